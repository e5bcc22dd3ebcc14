"""The practice page: today's FSRS queue, the mistakes notebook and progress per topic; and
anonymous progress moving to the account on sign-up and login."""

import re

import pytest

from quizzes.models import Attempt, Learner, ReviewState
from quizzes.pages import topic_progress
from tests.factories import make_question, make_quiz, make_user
from tests.quizzes.conftest import options, question_of, ticket_of, url

HTMX = {"HTTP_HX_REQUEST": "true"}
PRACTICE = "/en/practice/"


@pytest.fixture
def taken(client, db):
    """A learner (this client's session) who missed the single-choice question and got the
    true/false one right."""
    quiz = make_quiz(language="en")
    single = make_question(quiz, "single")
    truefalse = make_question(quiz, "truefalse", answer_bool=True)
    page = client.get(url("detail", quiz)).content.decode()
    wrong = options(page)[f"q{single.pk}"]["About 10K/11 keys move"]
    data = {"ticket": ticket_of(page), f"q{single.pk}": wrong, f"q{truefalse.pk}": "true"}
    assert client.post(url("submit", quiz), data).status_code == 302
    return quiz, single, truefalse


def test_practice_without_any_answers_invites_to_take_a_quiz(client, db):
    page = client.get(PRACTICE).content.decode()
    assert "Take a quiz first" in page
    assert "private" in client.get(PRACTICE)["Cache-Control"]


def test_a_missed_question_is_in_todays_queue_and_a_known_one_is_not(client, taken):
    quiz, single, truefalse = taken
    page = client.get(PRACTICE).content.decode()
    assert re.search(r'id="due-count" class="pill">1<', page)
    assert question_of(page) == single.pk  # the form in the queue asks the missed one
    assert "you missed this last time" in page


def test_the_mistakes_notebook_lists_the_miss_with_its_misconception(client, taken):
    quiz, single, truefalse = taken
    page = client.get(PRACTICE).content.decode()
    notebook = page[page.index('id="mistakes"') : page.index('id="progress"')]
    assert notebook.count('class="card mistake"') == 1
    assert "ring-like-modulo" in notebook  # the misconception of the choice picked
    assert "About 10K/11 keys move" in notebook  # what the learner answered
    assert f"?question={single.pk}" in notebook  # try it again now


def test_the_practice_page_never_shows_the_answer_of_a_question_it_asks(client, taken):
    quiz, single, truefalse = taken
    page = client.get(PRACTICE).content.decode()
    assert question_of(page) == single.pk
    assert single.explanation_html not in page
    right = single.choices.get(correct=True)
    assert right.feedback not in page  # "why the right one is right" waits for the answer
    assert re.findall(r"<[^>]*(?:correct|right)[^>]*>", page, re.I) == []
    assert "That is modulo hashing, not a ring." in page  # why the pick was wrong: shown


def test_answering_a_review_right_empties_the_queue_and_the_notebook(client, taken):
    quiz, single, truefalse = taken
    page = client.get(PRACTICE).content.decode()
    right = options(page)[f"q{single.pk}"]["About K/11 keys move"]
    data = {"ticket": ticket_of(page), "question": single.pk, f"q{single.pk}": right}
    response = client.post(url("practice_answer"), data, **HTMX)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert fragment.startswith('<div id="practice-item"') and "✓ Right" in fragment
    assert 'id="due-count" class="pill" hx-swap-oob="true">0<' in fragment
    state = ReviewState.objects.get(question=single)
    assert state.last_correct and state.reps == 2
    assert Attempt.objects.filter(mode="practice").count() == 1
    after = client.get(PRACTICE).content.decode()
    assert "Nothing is due today" in after
    assert "No mistakes to review" in after
    # A double submit of the same review is answered from the stored attempt.
    client.post(url("practice_answer"), data, **HTMX)
    assert ReviewState.objects.get(question=single).reps == 2


def test_a_review_question_of_the_notebook_can_be_retried_on_demand(client, taken):
    quiz, single, truefalse = taken
    page = client.get(f"{PRACTICE}?question={truefalse.pk}").content.decode()
    assert question_of(page) == truefalse.pk  # not due, but asked for


def test_practice_answers_with_bad_input_get_a_400_and_change_nothing(client, taken):
    quiz, single, truefalse = taken
    page = client.get(PRACTICE).content.decode()
    before = ReviewState.objects.get(question=single).reps
    data = {"ticket": ticket_of(page), "question": single.pk, f"q{single.pk}": "99"}
    assert client.post(url("practice_answer"), data).status_code == 400
    assert (
        client.post(url("practice_answer"), {"ticket": "forged", "question": 1}).status_code == 400
    )
    assert ReviewState.objects.get(question=single).reps == before


def test_progress_per_topic_counts_mastery_answered_and_due(client, taken):
    quiz, single, truefalse = taken
    learner = Learner.objects.get()
    [row] = topic_progress(learner, "en")
    assert (row.total, row.answered, row.mastered, row.due_today) == (2, 2, 1, 1)
    assert row.mastery == 50
    page = client.get(PRACTICE).content.decode()
    chart = page[page.index("<svg xmlns") :]
    chart = chart[: chart.index("</svg>")]
    assert 'role="img"' in chart and "<title" in chart and "style=" not in chart
    assert "50%" in chart


def test_signing_up_moves_anonymous_progress_to_the_new_account(client, taken, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    guest = Learner.objects.get()
    password = "a long passphrase 42"
    form = {"username": "newreader", "password1": password, "password2": password}
    assert client.post("/en/accounts/signup/", form).status_code == 302
    learner = Learner.objects.get()
    assert learner.pk == guest.pk and learner.user.username == "newreader"
    assert "ring-like-modulo" in client.get(PRACTICE).content.decode()


def test_logging_in_merges_anonymous_progress_into_the_account(client, taken, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    quiz, single, truefalse = taken
    user = make_user("returning")
    own = Learner.objects.create(user=user)
    own_attempt = Attempt.objects.create(
        learner=own, quiz=quiz, key="00000000-0000-4000-8000-000000000001", seed=1
    )
    response = client.post(
        "/en/accounts/login/", {"username": "returning", "password": "a long passphrase 42"}
    )
    assert response.status_code == 302
    assert Learner.objects.count() == 1  # the guest merged into the account's learner
    assert set(own.attempts.all()) > {own_attempt}
    assert ReviewState.objects.filter(learner=own).count() == 2
    page = client.get(PRACTICE).content.decode()
    assert "ring-like-modulo" in page and question_of(page) == single.pk


def test_logging_out_starts_a_fresh_anonymous_learner(client, taken):
    user = make_user("leaving")
    client.force_login(user)  # merges the guest into the account
    client.post("/en/accounts/logout/")
    assert "Take a quiz first" in client.get(PRACTICE).content.decode()
