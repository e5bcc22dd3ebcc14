"""The admin: quizzes with their questions inline, and Moodle-style question statistics."""

import uuid

import pytest
from django.contrib.auth import get_user_model

from quizzes.models import Question
from quizzes.services import attempt_submit
from tests.factories import make_learner, make_question, make_quiz


@pytest.fixture
def answered(db):
    """Five learners answered one single-choice question: 2 right, 3 picked wrong choices
    (2 the same tempting one)."""
    quiz = make_quiz(language="en")
    question = make_question(quiz, "single")
    right = question.choices.get(correct=True)
    tempting, other = question.choices.filter(correct=False).order_by("position")
    for choice in (right, right, tempting, tempting, other):
        attempt_submit(
            learner=make_learner(),
            quiz=quiz,
            answers={question.pk: [choice.pk]},
            key=uuid.uuid4(),
            question_ids=[question.pk],
        )
    return quiz, question, tempting


def test_question_statistics_give_attempts_facility_and_the_most_chosen_wrong_option(answered):
    quiz, question, tempting = answered
    stats = Question.objects.with_statistics().get(pk=question.pk)
    assert stats.answered == 5
    assert 100 * stats.points_total / stats.answered == 40
    assert stats.top_wrong_choice_id == tempting.pk and stats.top_wrong_picks == 2


@pytest.fixture
def staff_client(client, db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "pw")
    client.force_login(admin)
    return client


def test_the_admin_lists_question_statistics(staff_client, answered):
    quiz, question, tempting = answered
    page = staff_client.get("/admin/quizzes/question/").content.decode()
    assert "40%" in page
    assert f"{tempting.text} (2×)" in page


def test_the_quiz_admin_shows_questions_inline_with_their_statistics(staff_client, answered):
    quiz, question, tempting = answered
    page = staff_client.get(
        f"/admin/quizzes/quiz/{quiz.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert question.key in page
    assert "facility" in page and "40%" in page and f"{tempting.text} (2×)" in page


def test_the_question_admin_edits_choices_inline(staff_client, answered):
    quiz, question, tempting = answered
    page = staff_client.get(f"/admin/quizzes/question/{question.pk}/change/").content.decode()
    assert "choices-TOTAL_FORMS" in page and tempting.text in page
