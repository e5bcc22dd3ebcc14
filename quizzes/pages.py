"""Reads behind the quiz pages: the questions of a ticket, an attempt's review, the practice
queue, the mistakes notebook and progress per topic. No writes here (see services.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Topic
from labs import svg
from quizzes import scheduling
from quizzes.models import Attempt, Learner, Question, Quiz, ReviewState
from quizzes.presentation import Instance, Reviewed, attempt_seed, instance, review_response
from quizzes.tickets import Ticket, practice_ticket


def _questions(ids) -> dict[int, Question]:
    query = Question.objects.select_related("quiz", "quiz__topic").prefetch_related("choices")
    return query.in_bulk(list(ids))


def ticket_instances(ticket: Ticket) -> list[Instance]:
    """The ticket's questions that still exist, in the ticket's order."""
    by_id = _questions(ticket.question_ids)
    seed = attempt_seed(ticket.key)
    present = [by_id[qid] for qid in ticket.question_ids if qid in by_id]
    return [instance(q, seed, number) for number, q in enumerate(present, start=1)]


def attempt_for(learner: Learner | None, ticket: Ticket) -> Attempt | None:
    if learner is None:
        return None
    return Attempt.objects.filter(learner=learner, key=ticket.key).first()


def attempt_reviews(attempt: Attempt, only: int | None = None) -> list[Reviewed]:
    """The attempt's answered questions, reviewed, in the attempt's order (just the question
    ``only`` when given)."""
    responses = attempt.responses.select_related("question__quiz__topic")
    if only is not None:
        responses = responses.filter(question_id=only)
    by_question = {r.question_id: r for r in responses.prefetch_related("question__choices")}
    reviewed = []
    for number, qid in enumerate(attempt.question_ids, start=1):
        if qid in by_question:
            reviewed.append(review_response(by_question[qid], attempt.seed, number))
    return reviewed


def answered_ids(attempt: Attempt | None) -> set[int]:
    if attempt is None:
        return set()
    return set(attempt.responses.values_list("question_id", flat=True))


@dataclass(frozen=True)
class Step:
    """Where a one-question-at-a-time attempt stands."""

    current: Instance | None  # the next unanswered question, None when all are answered
    answered: int
    total: int


def next_step(instances: list[Instance], attempt: Attempt | None) -> Step:
    done = answered_ids(attempt)
    pending = [inst for inst in instances if inst.question.pk not in done]
    return Step(pending[0] if pending else None, len(instances) - len(pending), len(instances))


def end_of_today(now: datetime | None = None) -> datetime:
    return scheduling.queue_cutoff(now or timezone.now(), timezone.get_current_timezone())


def review_states(learner: Learner | None, language: str):
    return ReviewState.objects.for_learner(learner).in_language(language)


def due_states(learner: Learner | None, language: str, now: datetime | None = None):
    return review_states(learner, language).due_before(end_of_today(now))


@dataclass(frozen=True)
class PracticeItem:
    state: ReviewState
    instance: Instance
    ticket: Ticket


def practice_item(state: ReviewState) -> PracticeItem:
    """One review of one question, with the ticket that makes it idempotent."""
    question = state.question
    ticket = practice_ticket(
        learner_id=state.learner_id,
        quiz_id=question.quiz_id,
        question_id=question.pk,
        reps=state.reps,
    )
    return PracticeItem(state, instance(question, attempt_seed(ticket.key)), ticket)


def practice_state(learner: Learner | None, language: str, question_id: int | None):
    """The review state to practise: a chosen question of the learner, else the first due."""
    states = review_states(learner, language).select_related("question__quiz__topic")
    states = states.prefetch_related("question__choices")
    if question_id is not None:
        chosen = states.filter(question_id=question_id).first()
        if chosen is not None:
            return chosen
    return states.due_before(end_of_today()).first()


@dataclass(frozen=True)
class Mistake:
    state: ReviewState
    reviewed: Reviewed | None
    quiz: Quiz


def mistakes_notebook(learner: Learner | None, language: str) -> list[Mistake]:
    states = (
        review_states(learner, language)
        .mistakes()
        .select_related("question__quiz__topic", "last_response__attempt")
        .prefetch_related("question__choices")
        .order_by("-last_review", "pk")
    )
    notebook = []
    for state in states:
        response = state.last_response
        reviewed = None
        if response is not None:
            response.question = state.question  # already loaded, with its choices
            reviewed = review_response(response, response.attempt.seed)
        notebook.append(Mistake(state, reviewed, state.question.quiz))
    return notebook


@dataclass(frozen=True)
class TopicProgress:
    number: int
    topic: Topic
    name: str
    total: int
    answered: int
    mastered: int
    due_today: int
    quiz_url: str

    @property
    def mastery(self) -> float:
        return 100 * self.mastered / self.total if self.total else 0.0


def topic_progress(learner: Learner | None, language: str) -> list[TopicProgress]:
    """Per topic with a published quiz: questions, answered, mastered (latest answer right),
    due today."""
    quizzes = Quiz.objects.published().in_language(language).select_related("topic")
    quizzes = quizzes.annotate(total=Count("questions")).order_by("topic__order", "topic__slug")
    counts = {
        row["question__quiz"]: row
        for row in review_states(learner, language)
        .values("question__quiz")
        .annotate(
            answered=Count("pk"),
            mastered=Count("pk", filter=Q(last_correct=True)),
            due=Count("pk", filter=Q(due__lt=end_of_today())),
        )
    }
    rows = []
    for number, quiz in enumerate(quizzes, start=1):
        row = counts.get(quiz.pk, {})
        rows.append(
            TopicProgress(
                number=number,
                topic=quiz.topic,
                name=quiz.topic.name(language),
                total=quiz.total,
                answered=row.get("answered", 0),
                mastered=row.get("mastered", 0),
                due_today=row.get("due", 0),
                quiz_url=quiz.get_absolute_url(),
            )
        )
    return rows


def progress_chart(rows: list[TopicProgress]) -> str:
    """Mastery per topic as a bar chart; bars are numbered like the table rows beside it
    (topic names are too long to sit under a bar)."""
    if not rows:
        return ""
    return svg.bar_chart(
        title=_("Mastery by topic"),
        desc=_("Share of each topic's questions whose latest answer was right: %(list)s.")
        % {"list": "; ".join(f"{r.number}. {r.name} {r.mastery:.0f}%" for r in rows)},
        labels=[str(r.number) for r in rows],
        values=[round(r.mastery, 1) for r in rows],
        x_label=_("Topic (numbered as in the table)"),
        y_label=_("Mastery (%)"),
        reference=100,
        reference_label="100%",
        y_format=svg.format_percent,
        value_format=svg.format_percent,
        chart_id="mastery-chart",
        width=420,
        height=220,
    )
