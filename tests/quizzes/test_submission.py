"""attempt_submit: idempotent, concurrent-safe, and feeding FSRS and the mistakes notebook."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from quizzes.models import Attempt, Response, ReviewState
from quizzes.pages import end_of_today
from quizzes.presentation import attempt_seed, instance
from quizzes.services import SubmissionError, attempt_submit
from tests.factories import make_learner, make_question, make_quiz


def right(question, key):
    """The typed right answer of ``question`` in the attempt ``key``."""
    inst = instance(question, attempt_seed(key))
    answer_key = inst.answer_key
    if question.kind in ("single", "multiple"):
        return sorted(c.id for c in answer_key.choices if c.correct)
    if question.kind == "truefalse":
        return answer_key.truth
    if question.kind == "text":
        return answer_key.accepted[0]
    if question.kind == "output":
        return answer_key.expected
    return answer_key.number


def wrong(question):
    if question.kind in ("single", "multiple"):
        return [question.choices.filter(correct=False).first().pk]
    return {"truefalse": False, "numeric": -1.0, "text": "nope", "output": "nope"}[question.kind]


@pytest.fixture
def quiz_of_three(db):
    quiz = make_quiz(language="en")
    for kind in ("single", "multiple", "numeric"):
        make_question(quiz, kind)
    return quiz


def submit(learner, quiz, answers, key, **kwargs):
    ids = list(quiz.questions.values_list("pk", flat=True))
    return attempt_submit(
        learner=learner, quiz=quiz, answers=answers, key=key, question_ids=ids, **kwargs
    )


def test_every_question_kind_is_graded_through_the_service(quiz):
    learner, key = make_learner(), uuid.uuid4()
    answers = {q.pk: right(q, key) for q in quiz.questions.all()}
    attempt = submit(learner, quiz, answers, key)
    assert attempt.finished_at is not None
    assert attempt.score == 7 and attempt.max_score == 7
    assert Response.objects.filter(correct=True).count() == 7


def test_a_generated_response_keeps_the_seed_that_rebuilds_what_the_learner_saw(quiz):
    learner, key = make_learner(), uuid.uuid4()
    question = quiz.questions.get(kind="generated")
    shown = instance(question, attempt_seed(key)).shown.prompt_html
    submit(learner, quiz, {question.pk: right(question, key)}, key)
    response = Response.objects.get(question=question)
    attempt = response.attempt
    assert attempt.finished_at is None  # the other six are still open
    assert response.correct
    rebuilt = instance(question, attempt.seed)
    assert rebuilt.seed == response.seed and rebuilt.shown.prompt_html == shown


def test_partial_credit_is_stored_for_multiple_choice(quiz_of_three):
    learner, key = make_learner(), uuid.uuid4()
    multiple = quiz_of_three.questions.get(kind="multiple")
    one_right = [multiple.choices.filter(correct=True).first().pk]
    submit(learner, quiz_of_three, {multiple.pk: one_right}, key)
    response = Response.objects.get()
    assert response.points == 0.5 and not response.correct
    assert list(response.choices.values_list("pk", flat=True)) == one_right


def test_the_same_submission_key_records_nothing_twice(quiz_of_three):
    learner, key = make_learner(), uuid.uuid4()
    answers = {q.pk: right(q, key) for q in quiz_of_three.questions.all()}
    first = submit(learner, quiz_of_three, answers, key)
    replay = submit(
        learner, quiz_of_three, {q: wrong(quiz_of_three.questions.get(pk=q)) for q in answers}, key
    )
    assert replay.pk == first.pk and replay.score == 3
    assert Attempt.objects.count() == 1 and Response.objects.count() == 3
    assert ReviewState.objects.get(question__kind="single").reps == 1


def test_answers_for_questions_outside_the_attempt_are_refused(quiz_of_three):
    stranger = make_question(kind="truefalse")
    with pytest.raises(SubmissionError):
        submit(make_learner(), quiz_of_three, {stranger.pk: True}, uuid.uuid4())
    assert not Attempt.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_with_one_key_make_exactly_one_attempt():
    """Runs on SQLite, and on PostgreSQL when DATABASE_URL points there (CI runs both)."""
    quiz = make_quiz(language="en")
    for kind in ("single", "multiple", "truefalse", "numeric"):
        make_question(quiz, kind)
    learner, key = make_learner(), uuid.uuid4()
    questions = list(quiz.questions.all())
    answers = {q.pk: right(q, key) for q in questions}
    answers[questions[2].pk] = wrong(questions[2])  # score 3 of 4
    barrier = threading.Barrier(6)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(submit(learner, quiz, answers, key).pk)
        except Exception as exc:  # collected and reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(set(results)) == 1 and len(results) == 6
    attempt = Attempt.objects.get()
    assert attempt.score == 3 and attempt.max_score == 4
    assert Response.objects.count() == 4
    assert ReviewState.objects.count() == 4
    assert all(state.reps == 1 for state in ReviewState.objects.all())


def test_a_missed_question_is_due_today_and_a_known_one_in_the_future(quiz_of_three):
    learner, key = make_learner(), uuid.uuid4()
    single, multiple, numeric = quiz_of_three.questions.order_by("position")
    answers = {single.pk: wrong(single), multiple.pk: right(multiple, key), numeric.pk: 90.9}
    submit(learner, quiz_of_three, answers, key)
    tonight = end_of_today()
    missed = ReviewState.objects.get(question=single)
    known = ReviewState.objects.get(question=multiple)
    assert missed.due < tonight and not missed.last_correct
    assert known.due >= tonight and known.due - timezone.now() > timedelta(days=1)
    assert known.last_correct


def test_the_mistakes_notebook_keeps_a_question_until_it_is_answered_right(quiz_of_three):
    learner = make_learner()
    single = quiz_of_three.questions.get(kind="single")
    key = uuid.uuid4()
    submit(learner, quiz_of_three, {single.pk: wrong(single)}, key)
    assert list(ReviewState.objects.mistakes().values_list("question", flat=True)) == [single.pk]
    again = uuid.uuid4()
    submit(learner, quiz_of_three, {single.pk: wrong(single)}, again)
    assert ReviewState.objects.mistakes().count() == 1
    fixed = uuid.uuid4()
    submit(learner, quiz_of_three, {single.pk: right(single, fixed)}, fixed)
    assert not ReviewState.objects.mistakes().exists()
    assert ReviewState.objects.get().reps == 3


def test_a_submission_key_of_another_quiz_is_refused(quiz_of_three):
    learner, key = make_learner(), uuid.uuid4()
    single = quiz_of_three.questions.get(kind="single")
    submit(learner, quiz_of_three, {single.pk: wrong(single)}, key)
    other = make_quiz(language="zh-hans")
    question = make_question(other, "truefalse")
    with pytest.raises(SubmissionError):
        attempt_submit(
            learner=learner,
            quiz=other,
            answers={question.pk: True},
            key=key,
            question_ids=[question.pk],
        )
