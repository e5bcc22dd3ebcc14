"""Writes that span models: recording answers, scheduling reviews, merging learners.

Submitting is idempotent. An attempt is found by (learner, submission key); a response by
(attempt, question). Both are unique in the database, each submission runs in one
transaction, and a racing duplicate that loses on a unique constraint starts again and finds
the winner's rows. So a double click, a retry or a replay records nothing twice.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from quizzes import grading, scheduling
from quizzes.models import Attempt, Learner, Question, Quiz, Response, ReviewState
from quizzes.presentation import attempt_seed, instance

ROUNDS = 8  # tries when a concurrent submission holds the same key or the table
LOCKED_BACKOFF_SECONDS = 0.01


class SubmissionError(ValueError):
    """The submission does not fit the attempt (another quiz, unknown questions)."""


def learner_for_user(user) -> Learner:
    try:
        with transaction.atomic():
            return Learner.objects.get_or_create(user=user)[0]
    except IntegrityError:  # created by a concurrent request for the same account
        return Learner.objects.get(user=user)


def attempt_submit(
    *,
    learner: Learner,
    quiz: Quiz,
    answers: Mapping[int, object],
    key: uuid.UUID,
    question_ids: Sequence[int],
    mode: str = Attempt.Mode.QUIZ,
    now: datetime | None = None,
) -> Attempt:
    """Record ``answers`` (typed, by question id) in the attempt ``key`` of ``learner``.

    The first submission with a key creates the attempt for ``question_ids``; answers to
    questions already answered in it are ignored (the stored answer stands). The attempt is
    finished, with its score, once every question has an answer.
    """
    now = now or timezone.now()
    for round_number in range(ROUNDS):
        last = round_number == ROUNDS - 1
        try:
            with transaction.atomic():
                return _submit(learner, quiz, answers, key, question_ids, mode, now)
        except IntegrityError:
            # A concurrent submission with the same key won the race: look again.
            if last:
                raise
        except OperationalError as exc:
            # SQLite's shared-cache databases (the test suite's in-memory one) refuse a
            # locked table at once instead of waiting out the busy timeout: wait, retry.
            if last or "locked" not in str(exc) or connection.in_atomic_block:
                raise
            time.sleep(LOCKED_BACKOFF_SECONDS * 2**round_number)
    raise AssertionError("unreachable")


def _submit(learner, quiz, answers, key, question_ids, mode, now) -> Attempt:
    attempts = Attempt.objects.select_for_update().filter(learner=learner, key=key)
    attempt = attempts.order_by().first()
    if attempt is None:
        attempt = Attempt.objects.create(
            learner=learner,
            quiz=quiz,
            key=key,
            mode=mode,
            question_ids=list(question_ids),
            seed=attempt_seed(key),
            max_score=len(question_ids),
        )
    elif attempt.quiz_id != quiz.pk:
        raise SubmissionError("this submission key belongs to another quiz")
    strangers = set(answers) - set(attempt.question_ids)
    if strangers:
        raise SubmissionError(f"questions {sorted(strangers)} are not in this attempt")
    if attempt.finished_at is not None:
        return attempt
    answered = set(attempt.responses.values_list("question_id", flat=True))
    wanted = [qid for qid in attempt.question_ids if qid in answers and qid not in answered]
    questions = Question.objects.select_related("quiz", "quiz__topic").prefetch_related("choices")
    by_id = questions.in_bulk(wanted)
    graded = [_graded_response(attempt, by_id[qid], answers[qid]) for qid in wanted if qid in by_id]
    if graded:
        _save_responses(attempt, graded, now)
        answered.update(response.question_id for response, _ in graded)
    existing = set(
        Question.objects.filter(pk__in=attempt.question_ids).values_list("pk", flat=True)
    )
    if existing <= answered:
        total = attempt.responses.aggregate(total=Sum("points"))["total"] or 0.0
        attempt.score = round(total, 6)
        attempt.max_score = len(existing)
        attempt.finished_at = now
        attempt.save(update_fields=["score", "max_score", "finished_at"])
    return attempt


def _graded_response(attempt: Attempt, question: Question, answer: object):
    """An unsaved response and the choice ids it picked (for choice questions)."""
    inst = instance(question, attempt.seed)
    grade = grading.grade(inst.answer_key, answer)
    response = Response(
        attempt=attempt,
        question=question,
        answer=answer,
        seed=inst.seed,
        correct=grade.correct,
        points=grade.points,
    )
    return response, (list(answer) if question.is_choice else [])  # type: ignore[call-overload]


def _save_responses(attempt: Attempt, graded: list, now: datetime) -> None:
    """Insert the responses and their picked choices, and schedule each question's review,
    in a handful of queries whatever the number of questions."""
    Response.objects.bulk_create([response for response, _ in graded])
    Picked = Response.choices.through
    Picked.objects.bulk_create(
        [
            Picked(response_id=response.pk, choice_id=choice_id)
            for response, choice_ids in graded
            for choice_id in choice_ids
        ]
    )
    schedule_reviews(
        learner=attempt.learner, responses=[response for response, _ in graded], now=now
    )


def _memory(state: ReviewState | None) -> scheduling.Memory | None:
    if state is None:
        return None
    return scheduling.Memory(
        state=state.state,
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
        reps=state.reps,
        lapses=state.lapses,
    )


def schedule_reviews(*, learner: Learner, responses: list[Response], now: datetime) -> None:
    """Feed graded answers to FSRS; the review states also keep the mistakes notebook."""
    question_ids = [response.question_id for response in responses]
    states = ReviewState.objects.select_for_update().order_by()
    current = {
        s.question_id: s for s in states.filter(learner=learner, question_id__in=question_ids)
    }
    new, changed = [], []
    for response in responses:
        state = current.get(response.question_id)
        memory = scheduling.review(_memory(state), points=response.points, now=now)
        if state is None:
            state = ReviewState(learner=learner, question_id=response.question_id)
            new.append(state)
        else:
            changed.append(state)
        state.state, state.step = memory.state, memory.step
        state.stability, state.difficulty = memory.stability, memory.difficulty
        state.due, state.last_review = memory.due, memory.last_review
        state.reps, state.lapses = memory.reps, memory.lapses
        state.last_correct, state.last_response = response.correct, response
    if changed:
        # Rewrite the changed rows, keeping their ids: nothing references a review state,
        # and bulk_update's CASE per field and row costs more than the whole submission.
        ReviewState.objects.filter(pk__in=[state.pk for state in changed]).delete()
    ReviewState.objects.bulk_create(new + changed)


def merge_learners(*, source: Learner, target: Learner) -> Learner:
    """Move everything ``source`` did to ``target`` and delete ``source``.

    For a question both have reviewed, the more recent review state wins.
    """
    if source.pk == target.pk:
        return target
    with transaction.atomic():
        taken = set(Attempt.objects.filter(learner=target).values_list("key", flat=True))
        Attempt.objects.filter(learner=source, key__in=taken).delete()
        Attempt.objects.filter(learner=source).update(learner=target)
        theirs = {s.question_id: s for s in ReviewState.objects.filter(learner=target)}
        for state in ReviewState.objects.filter(learner=source):
            current = theirs.get(state.question_id)
            if current is None:
                state.learner = target
                state.save(update_fields=["learner"])
                continue
            if _newer(state, current):
                current.delete()
                state.learner = target
                state.save(update_fields=["learner"])
            else:
                state.delete()
        source.delete()
    return target


def _newer(a: ReviewState, b: ReviewState) -> bool:
    oldest = timezone.now().replace(year=1970)
    return (a.last_review or oldest) > (b.last_review or oldest)


def adopt_session_learner(*, learner_id: int, user) -> Learner:
    """On login or sign-up: the anonymous learner of the session becomes (or merges into)
    the account's learner."""
    with transaction.atomic():
        guest = Learner.objects.select_for_update().filter(pk=learner_id, user=None).first()
        own = Learner.objects.filter(user=user).first()
        if guest is None:
            return own or learner_for_user(user)
        if own is None:
            guest.user = user
            guest.save(update_fields=["user"])
            return guest
        return merge_learners(source=guest, target=own)
