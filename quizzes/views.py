"""Quiz pages: thin shells over forms (validation), services (writes) and pages (reads).

Pages with a form carry a CSRF token and the learner's own attempt, so they are private and
never stored by a cache; the quiz list is the same for every anonymous reader and is public.
Every answer form posts normally; with htmx the same view answers with the fragment alone
(``partials/``), which the page swaps in place.
"""

from __future__ import annotations

from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from kbsite.caching import cacheable_page
from kbsite.ratelimit import ratelimit
from quizzes import pages
from quizzes.forms import AnswersForm, RetakeForm, StepForm, TicketForm
from quizzes.learners import current_learner, open_ticket, remember_ticket
from quizzes.models import Attempt, Quiz
from quizzes.services import SubmissionError, attempt_submit
from quizzes.tickets import BadTicket, Ticket, new_ticket, read_ticket

SUBMIT_RATE = "30/m"  # whole quizzes per client per minute
ANSWER_RATE = "240/m"  # single answers (one at a time, practice) per client per minute
STALE_FORM = _("This quiz form is damaged or out of date. Reload the quiz and try again.")
NOT_IN_QUIZ = _("This answer is for a question that is not in this quiz. Reload the quiz.")
NOTHING_TO_RETAKE = _("Retake what? The form did not name one of your attempts.")


def _quiz_or_404(slug: str) -> Quiz:
    quizzes = Quiz.objects.published().select_related("topic")
    return get_object_or_404(quizzes, slug=slug, language=get_language())


def _fragment(request, partial: str, context: dict, *, status: int = 200, title: str = ""):
    """The fragment for htmx, or the fragment inside the site's page for everyone else."""
    if request.htmx:
        response = render(request, partial, context, status=status)
    else:
        page = context | {"fragment": partial, "page_title": title}
        response = render(request, "quizzes/fragment_page.html", page, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _refuse(request, message, quiz: Quiz | None = None):
    """Bad input: a clear message and a 400, nothing saved."""
    context = {"quiz": quiz, "message": message}
    return _fragment(request, "quizzes/partials/error.html", context, status=400, title=message)


def _posted_ticket(form, quiz: Quiz | None = None) -> Ticket | None:
    """The attempt ticket of a POST; None when missing, forged or for another quiz."""
    if not form.is_valid():
        return None
    try:
        ticket = read_ticket(form.cleaned_data["ticket"])
    except BadTicket:
        return None
    return ticket if quiz is None or ticket.quiz_id == quiz.pk else None


def _index_changed(request):
    quizzes = Quiz.objects.published().in_language(get_language())
    return quizzes.aggregate(newest=Max("updated_at"))["newest"]


@require_safe
@cacheable_page(_index_changed)
def index(request):
    quizzes = Quiz.objects.published().in_language(get_language()).select_related("topic")
    quizzes = quizzes.annotate(question_count=Count("questions")).order_by("topic__order")
    return render(request, "quizzes/index.html", {"quizzes": quizzes, "nav": "quizzes"})


@never_cache
@require_safe
def detail(request, slug):
    """The whole quiz on one page: one form, works without JavaScript."""
    quiz = _quiz_or_404(slug)
    ticket = open_ticket(request, quiz, current_learner(request))
    instances = pages.ticket_instances(ticket)
    context = {"quiz": quiz, "ticket": ticket, "instances": instances, "nav": "quizzes"}
    context |= {"form": AnswersForm(instances), "total": quiz.questions.count()}
    return render(request, "quizzes/detail.html", context)


@never_cache
@require_POST
@ratelimit("quiz-submit", SUBMIT_RATE)
def submit(request, slug):
    quiz = _quiz_or_404(slug)
    ticket = _posted_ticket(TicketForm(request.POST), quiz)
    if ticket is None:
        return _refuse(request, STALE_FORM, quiz)
    instances = pages.ticket_instances(ticket)
    form = AnswersForm(instances, request.POST)
    if not form.is_valid():
        context = {"quiz": quiz, "ticket": ticket, "instances": instances, "form": form}
        context |= {"total": quiz.questions.count(), "nav": "quizzes"}
        return render(request, "quizzes/detail.html", context, status=400)
    learner = current_learner(request, create=True)
    ids = [inst.question.pk for inst in instances]
    try:
        attempt = attempt_submit(
            learner=learner, quiz=quiz, answers=form.answers(), key=ticket.key, question_ids=ids
        )
    except SubmissionError:
        return _refuse(request, STALE_FORM, quiz)
    remember_ticket(request, quiz, None)
    return redirect(attempt.get_absolute_url())


@never_cache
@require_safe
def step(request, slug):
    """One question at a time: the next unanswered question of the open attempt."""
    quiz = _quiz_or_404(slug)
    learner = current_learner(request)
    ticket = open_ticket(request, quiz, learner)
    instances = pages.ticket_instances(ticket)
    progress = pages.next_step(instances, pages.attempt_for(learner, ticket))
    context = {"quiz": quiz, "ticket": ticket, "step": progress, "form": AnswersForm(instances)}
    return _fragment(request, "quizzes/partials/step.html", context, title=quiz.title)


@never_cache
@require_POST
@ratelimit("quiz-answer", ANSWER_RATE)
def answer(request, slug):
    """Grade one answer of a one-question-at-a-time attempt and show what it teaches."""
    quiz = _quiz_or_404(slug)
    step_form = StepForm(request.POST)
    ticket = _posted_ticket(step_form, quiz)
    if ticket is None:
        return _refuse(request, STALE_FORM, quiz)
    question_id = step_form.cleaned_data["question"]
    instances = [i for i in pages.ticket_instances(ticket) if i.question.pk == question_id]
    if not instances:
        return _refuse(request, NOT_IN_QUIZ, quiz)
    form = AnswersForm(instances, request.POST)
    if not form.is_valid():
        progress = pages.Step(instances[0], instances[0].shown.number - 1, len(ticket.question_ids))
        context = {"quiz": quiz, "ticket": ticket, "step": progress, "form": form}
        return _fragment(request, "quizzes/partials/step.html", context, status=400)
    learner = current_learner(request, create=True)
    try:
        attempt = attempt_submit(
            learner=learner,
            quiz=quiz,
            answers=form.answers(),
            key=ticket.key,
            question_ids=ticket.question_ids,
        )
    except SubmissionError:
        return _refuse(request, STALE_FORM, quiz)
    if attempt.finished_at:
        remember_ticket(request, quiz, None)
    [reviewed] = pages.attempt_reviews(attempt, only=question_id)
    context = {"quiz": quiz, "attempt": attempt, "reviewed": reviewed}
    context |= {"answered": attempt.responses.count(), "total": len(attempt.question_ids)}
    return _fragment(request, "quizzes/partials/answered.html", context, title=quiz.title)


@never_cache
@require_safe
def results(request, slug, key):
    quiz = _quiz_or_404(slug)
    learner = current_learner(request)
    attempt = (
        Attempt.objects.filter(learner=learner, quiz=quiz, key=key).first() if learner else None
    )
    if attempt is None:
        raise Http404("no such attempt")
    reviews = pages.attempt_reviews(attempt)
    mistakes = [r for r in reviews if not r.grade.correct]
    context = {"quiz": quiz, "attempt": attempt, "reviews": reviews, "mistakes": mistakes}
    return render(request, "quizzes/results.html", context | {"nav": "quizzes"})


@require_POST
def retake(request, slug):
    """Open a new attempt: the whole quiz, or only the questions missed in ``attempt``."""
    quiz = _quiz_or_404(slug)
    form = RetakeForm(request.POST)
    learner = current_learner(request)
    if not form.is_valid() or learner is None:
        return _refuse(request, NOTHING_TO_RETAKE, quiz)
    attempt = Attempt.objects.filter(learner=learner, quiz=quiz, key=form.cleaned_data["attempt"])
    attempt = attempt.first()
    if attempt is None:
        return _refuse(request, NOTHING_TO_RETAKE, quiz)
    ids = list(quiz.questions.values_list("pk", flat=True))
    if form.cleaned_data["mistakes"]:
        wrong = set(attempt.responses.filter(correct=False).values_list("question_id", flat=True))
        ids = [qid for qid in attempt.question_ids if qid in wrong] or ids
    remember_ticket(request, quiz, new_ticket(quiz.pk, ids))
    return redirect(
        "quizzes:step" if form.cleaned_data["one_at_a_time"] else "quizzes:detail", slug=quiz.slug
    )


def _question_param(request) -> int | None:
    raw = request.GET.get("question", "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


@never_cache
@require_safe
def practice(request):
    """Today's review queue (FSRS), the mistakes notebook and progress per topic."""
    learner = current_learner(request)
    language = get_language()
    state = pages.practice_state(learner, language, _question_param(request))
    context = {"item": pages.practice_item(state) if state else None, "learner": learner}
    context["due_count"] = pages.due_states(learner, language).count()
    if request.htmx:
        return _fragment(request, "quizzes/partials/practice_item.html", context)
    progress = pages.topic_progress(learner, language)
    context |= {"mistakes": pages.mistakes_notebook(learner, language), "progress": progress}
    context |= {"chart": pages.progress_chart(progress), "nav": "practice"}
    response = render(request, "quizzes/practice.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@never_cache
@require_POST
@ratelimit("quiz-answer", ANSWER_RATE)
def practice_answer(request):
    """Grade one review from the practice queue; FSRS schedules the next one."""
    ticket = _posted_ticket(StepForm(request.POST))
    quiz = Quiz.objects.published().filter(pk=ticket.quiz_id).first() if ticket else None
    learner = current_learner(request)
    if quiz is None or learner is None or ticket.mode != "practice":
        return _refuse(request, STALE_FORM)
    instances = pages.ticket_instances(ticket)
    if not instances:
        return _refuse(request, NOT_IN_QUIZ)
    form = AnswersForm(instances, request.POST)
    if not form.is_valid():
        item = pages.PracticeItem(None, instances[0], ticket)
        context = {"item": item, "form": form, "learner": learner}
        return _fragment(request, "quizzes/partials/practice_item.html", context, status=400)
    attempt = attempt_submit(
        learner=learner,
        quiz=quiz,
        answers=form.answers(),
        key=ticket.key,
        question_ids=ticket.question_ids,
        mode=Attempt.Mode.PRACTICE,
    )
    [reviewed] = pages.attempt_reviews(attempt)
    context = {"reviewed": reviewed, "learner": learner}
    context["due_count"] = pages.due_states(learner, get_language()).count()
    return _fragment(request, "quizzes/partials/practice_answered.html", context, title=quiz.title)
