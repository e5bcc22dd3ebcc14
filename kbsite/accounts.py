"""Sign up, log in, log out and password change: Django's auth views with our templates.

Progress made before logging in (quiz attempts, the practice queue, the mistakes notebook)
belongs to an anonymous learner kept in the session; the ``user_logged_in`` receiver below
moves it to the account on sign-up and on login.
"""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import path, reverse_lazy
from django.views.decorators.http import require_http_methods

from kbsite.ratelimit import ratelimit
from quizzes.learners import SESSION_LEARNER
from quizzes.services import adopt_session_learner


@receiver(user_logged_in, dispatch_uid="kbsite.accounts.move_guest_progress")
def move_guest_progress(sender, request, user, **kwargs):
    """The session's anonymous learner becomes (or merges into) the account's learner."""
    session = getattr(request, "session", None)
    learner_id = session.pop(SESSION_LEARNER, None) if session is not None else None
    if learner_id is not None:
        adopt_session_learner(learner_id=learner_id, user=user)


@require_http_methods(["GET", "POST"])
@ratelimit("signup", "10/m")
def signup(request):
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


app_name = "accounts"
urlpatterns = [
    path("signup/", signup, name="signup"),
    path("login/", ratelimit("login", "10/m")(auth_views.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            success_url=reverse_lazy("accounts:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
]
