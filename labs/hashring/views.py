"""The lab page and the live room's pages: thin shells over the form, results and live."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from kbsite.ratelimit import ratelimit

from . import live
from .forms import HashringForm, LiveChangeForm, LiveRoomForm
from .page import lab_page

INDEX_TEMPLATE = "labs/hashring/index.html"
RESULTS_TEMPLATE = "labs/hashring/partials/results.html"
# A cold page costs up to about a second of CPU; a person clicking around asks far less.
PAGE_RATE = "60/m"


def public_when_anonymous(max_age: int):
    """Cache-Control: public for anonymous readers (deterministic bytes), private otherwise.

    A signed-in reader's page carries their name and a CSRF token in the footer, so it must
    never be stored by a shared cache.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not request.user.is_authenticated:
                patch_cache_control(response, public=True, max_age=max_age)
            else:
                patch_cache_control(response, private=True)
            return response

        return wrapper

    return decorator


@require_safe
@ratelimit("lab:hashring", PAGE_RATE, methods=("GET",))
@gzip_page  # a 10-node, 160-vnode ring is ~300 KB of SVG, ~15% of that compressed
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
@public_when_anonymous(max_age=300)
def index(request):
    form = HashringForm.from_query(request.GET)
    # htmx asks for the lab's controls and results only; a history restore needs the page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = RESULTS_TEMPLATE if partial else INDEX_TEMPLATE
    context = {"form": form, "nav": "labs", "room_form": LiveRoomForm()}
    if not form.is_valid():
        context["error"] = form.error_message()
        return render(request, template, context, status=400)
    context["lab"] = lab_page(form.run(), get_language())
    return render(request, template, context)


@require_safe
def live_join(request):
    """The room picker (a GET form): on to the named room, or back with the reason."""
    form = LiveRoomForm(request.GET)
    if form.is_valid():
        return redirect("labs:hashring:live", room=form.cleaned_data["room"])
    context = {"room_form": form, "error": form.error_message(), "nav": "labs"}
    return render(request, "labs/hashring/live_join.html", context, status=400)


@require_safe
def live_room(request, room: str):
    if not live.valid_room(room):
        raise Http404
    state = live.room_state(room)
    context = {
        "room": room,
        "view": live.room_view(room, state, get_language()),
        "socket_path": live.socket_path(room, get_language()),
        "change_form": LiveChangeForm(),
        "nav": "labs",
    }
    response = render(request, "labs/hashring/live.html", context)
    patch_cache_control(response, private=True, no_cache=True)  # it changes every moment
    return response


@require_POST
@ratelimit("lab:hashring:live", "30/m")
def live_change(request, room: str):
    """The room's forms without JavaScript: apply the change, tell the room, show the room."""
    if not live.valid_room(room):
        raise Http404
    form = LiveChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.error_message())
    else:
        try:
            live.apply_and_broadcast(room, form.cleaned_data["action"], form.cleaned_data["node"])
        except live.ChangeError as error:
            messages.error(request, error.text(get_language()))
    return redirect("labs:hashring:live", room=room)
