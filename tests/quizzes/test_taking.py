"""Taking a quiz: the whole form without JavaScript, one question at a time with htmx, the
results page, and what the page must never reveal before an answer is submitted."""

import re

import pytest

from quizzes.models import Attempt, Choice, Question, Response, ReviewState
from tests.factories import make_question, make_quiz, make_topic
from tests.quizzes.conftest import options, question_of, right_answers, ticket_of, url

HTMX = {"HTTP_HX_REQUEST": "true"}


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))


def test_the_quiz_page_never_contains_the_answer_key(client, quiz):
    page = client.get(url("detail", quiz)).content.decode()
    assert 'name="ticket"' in page
    assert re.findall(r"<[^>]*(?:correct|answer-key|right)[^>]*>", page, re.I) == []
    assert "<!--" not in page  # no comments
    assert "Because of reason" not in page  # no explanation
    for question in quiz.questions.all():
        for text in question.accepted:
            assert text not in page
        assert not question.expected or question.expected.strip() not in page
        for choice in question.choices.exclude(misconception=""):
            assert choice.feedback not in page
            assert choice.misconception not in page
    assert "90.9" not in page  # the numeric answer
    assert "#ring" not in page  # nor the section that teaches it


def test_the_step_page_never_contains_the_answer_key_either(client, quiz):
    page = client.get(url("step", quiz)).content.decode()
    assert re.findall(r"<[^>]*(?:correct|right)[^>]*>", page, re.I) == []
    assert "<!--" not in page and "Because of reason" not in page


def test_choice_order_is_shuffled_per_attempt_and_stable_on_reload(client, db):
    quiz = make_quiz(language="en")
    letters = [(chr(65 + i), i == 0, "", "") for i in range(8)]
    question = make_question(quiz, "single", choices=letters)
    first = client.get(url("detail", quiz)).content.decode()
    again = client.get(url("detail", quiz)).content.decode()
    field = f"q{question.pk}"
    order = list(options(first)[field])
    assert order == list(options(again)[field])  # a reload shows the same attempt
    orders = {tuple(order)}
    for _ in range(6):  # other learners (fresh sessions) get other orders
        client.cookies.clear()
        orders.add(tuple(options(client.get(url("detail", quiz)).content.decode())[field]))
    assert len(orders) > 1
    # Option values are display positions, so they say nothing about which one is right.
    assert sorted(options(first)[field].values()) == [str(i) for i in range(8)]


def test_submitting_the_whole_quiz_scores_it_and_shows_every_question_reviewed(client, quiz):
    page = client.get(url("detail", quiz)).content.decode()
    response = client.post(url("submit", quiz), right_answers(quiz, page))
    assert response.status_code == 302
    attempt = Attempt.objects.get()
    assert attempt.score == attempt.max_score == 7
    assert response["Location"] == attempt.get_absolute_url()
    results = client.get(response["Location"]).content.decode()
    assert "7 / 7" in text_of(results)
    assert results.count('class="reviewed verdict-correct"') == 7
    assert "Retake the quiz" in results
    assert "Retake only my mistake" not in results  # there are none


def test_a_wrong_answer_shows_its_feedback_explanation_misconception_and_article_link(client, quiz):
    page = client.get(url("detail", quiz)).content.decode()
    data = right_answers(quiz, page)
    single = quiz.questions.get(kind="single")
    data[f"q{single.pk}"] = options(page)[f"q{single.pk}"]["Exactly K/10 keys move"]
    response = client.post(url("submit", quiz), data, follow=True)
    results = response.content.decode()
    assert "6 / 7" in text_of(results)
    assert "Tempting: 1/N feels right, but N grew." in results  # the chosen option's feedback
    assert "exactly-k-over-n" in results  # the misconception it reveals
    assert single.explanation_html in results
    assert f'href="/en/articles/{quiz.topic.slug}/#ring"' in results
    assert "Retake only my mistake (1)" in results


def test_one_question_at_a_time_grades_each_answer_with_htmx(client, quiz):
    page = client.get(url("step", quiz)).content.decode()
    assert "Question 1 of 7" in page
    first = question_of(page)
    assert first == quiz.questions.get(kind="single").pk
    value = options(page)[f"q{first}"]["Exactly K/10 keys move"]
    answer = {"ticket": ticket_of(page), "question": first, f"q{first}": value}
    response = client.post(url("answer", quiz), answer, **HTMX)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert fragment.startswith('<section id="quiz-step"')  # a fragment, not a page
    assert "Not right" in fragment and "Tempting: 1/N feels right" in fragment
    assert "1 of 7 answered" in fragment
    assert 'hx-get="/en/quizzes/' in fragment and "Next question" in fragment
    following = client.get(url("step", quiz), **HTMX).content.decode()
    assert following.startswith('<section id="quiz-step"')
    assert "Question 2 of 7" in following


def test_one_question_at_a_time_works_without_javascript_to_the_results(client, quiz):
    answers = right_answers(quiz, client.get(url("detail", quiz)).content.decode())
    page = client.get(url("step", quiz)).content.decode()  # the same attempt, one at a time
    for _ in range(quiz.questions.count()):
        question = question_of(page)
        field = f"q{question}"
        data = {"ticket": ticket_of(page), "question": question, field: answers[field]}
        answered = client.post(url("answer", quiz), data).content.decode()
        assert "<html" in answered and "✓ Right" in answered
        page = client.get(url("step", quiz)).content.decode() if "Next question" in answered else ""
    assert "See your results" in answered
    attempt = Attempt.objects.get()
    assert attempt.finished_at is not None and attempt.score == 7


def test_answering_the_same_step_twice_records_it_once(client, quiz):
    page = client.get(url("step", quiz)).content.decode()
    first = question_of(page)
    value = next(iter(options(page)[f"q{first}"].values()))
    data = {"ticket": ticket_of(page), "question": first, f"q{first}": value}
    one = client.post(url("answer", quiz), data).content.decode()
    two = client.post(url("answer", quiz), data).content.decode()
    assert Response.objects.count() == 1
    verdict = re.compile(r'class="verdict">(.*?)</span>', re.S)
    assert verdict.search(one).group(1) == verdict.search(two).group(1)


def test_resubmitting_a_whole_quiz_returns_the_stored_attempt(client, quiz):
    page = client.get(url("detail", quiz)).content.decode()
    data = right_answers(quiz, page)
    first = client.post(url("submit", quiz), data)
    data[f"q{quiz.questions.get(kind='truefalse').pk}"] = "false"  # a replay with other answers
    second = client.post(url("submit", quiz), data)
    assert first["Location"] == second["Location"]
    assert Attempt.objects.count() == 1 and Response.objects.count() == 7
    assert Attempt.objects.get().score == 7


def test_a_new_attempt_starts_after_submitting(client, quiz):
    page = client.get(url("detail", quiz)).content.decode()
    client.post(url("submit", quiz), right_answers(quiz, page))
    fresh = client.get(url("detail", quiz)).content.decode()
    assert ticket_of(fresh) != ticket_of(page)


def nothing_saved():
    return not (
        Attempt.objects.exists() or Response.objects.exists() or ReviewState.objects.exists()
    )


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda data, q: data.update({"q999999": "1"}), "not in this quiz"),
        (lambda data, q: data.update({q["numeric"]: "ninety"}), "Enter a number"),
        (lambda data, q: data.update({q["numeric"]: "9" * 1_000_000}), "Enter a number"),
        (lambda data, q: data.update({q["text"]: "x" * 1_000_000}), "at most 200"),
        (lambda data, q: data.update({q["output"]: "y" * 1_000_000}), "at most 4000"),
        (lambda data, q: data.pop(q["single"]), "Answer this question"),
        (lambda data, q: data.pop(q["truefalse"]), "Answer this question"),
        (lambda data, q: data.update({q["single"]: "17"}), "Select a valid choice"),
    ],
)
def test_bad_answers_get_a_clear_message_a_400_and_save_nothing(client, quiz, change, message):
    page = client.get(url("detail", quiz)).content.decode()
    data = right_answers(quiz, page)
    fields = {q.kind: f"q{q.pk}" for q in quiz.questions.all()}
    change(data, fields)
    response = client.post(url("submit", quiz), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    assert nothing_saved()


@pytest.mark.parametrize("ticket", [None, "", "forged", "eyJrIjoiMSJ9:bad:sig"])
def test_a_missing_or_forged_ticket_is_refused(client, quiz, ticket):
    page = client.get(url("detail", quiz)).content.decode()
    data = right_answers(quiz, page)
    if ticket is None:
        data.pop("ticket")
    else:
        data["ticket"] = ticket
    response = client.post(url("submit", quiz), data)
    assert response.status_code == 400
    assert "damaged or out of date" in response.content.decode()
    assert nothing_saved()


def test_a_ticket_of_another_quiz_is_refused(client, quiz):
    other = make_quiz(make_topic("other"), language="en")
    make_question(other, "truefalse")
    page = client.get(url("detail", other)).content.decode()
    response = client.post(url("submit", quiz), {"ticket": ticket_of(page)})
    assert response.status_code == 400 and nothing_saved()


def test_a_step_answer_for_a_question_outside_the_attempt_is_refused(client, quiz):
    page = client.get(url("step", quiz)).content.decode()
    stranger = make_question(kind="truefalse")  # another quiz's question
    data = {"ticket": ticket_of(page), "question": stranger.pk, f"q{stranger.pk}": "true"}
    response = client.post(url("answer", quiz), data, **HTMX)
    assert response.status_code == 400
    assert "not in this quiz" in response.content.decode()
    assert nothing_saved()


def test_a_bad_step_answer_comes_back_as_the_question_with_its_message(client, quiz):
    page = client.get(url("step", quiz)).content.decode()
    first = question_of(page)
    data = {"ticket": ticket_of(page), "question": first}
    response = client.post(url("answer", quiz), data, **HTMX)
    fragment = response.content.decode()
    assert response.status_code == 400
    assert fragment.startswith('<section id="quiz-step"') and "Answer this question" in fragment
    assert nothing_saved()


def test_quiz_pages_with_a_form_are_private_and_the_list_is_public(client, quiz):
    for name in ("detail", "step"):
        cache_control = client.get(url(name, quiz))["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control
    index = client.get(url("index"))
    assert "public" in index["Cache-Control"]
    assert "csrfmiddlewaretoken" not in index.content.decode()


def test_results_belong_to_their_learner(client, quiz):
    page = client.get(url("detail", quiz)).content.decode()
    location = client.post(url("submit", quiz), right_answers(quiz, page))["Location"]
    assert client.get(location).status_code == 200
    client.cookies.clear()
    assert client.get(location).status_code == 404


def test_submissions_are_rate_limited_with_a_clear_message(client, quiz, settings):
    page = client.get(url("detail", quiz)).content.decode()
    data = right_answers(quiz, page)
    statuses = [client.post(url("submit", quiz), data).status_code for _ in range(31)]
    assert statuses[:30] == [302] * 30
    assert statuses[30] == 429
    limited = client.post(url("submit", quiz), data)
    assert "Too many requests" in limited.content.decode()
    assert limited["Retry-After"]


def test_login_is_rate_limited(client, db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    statuses = [
        client.post("/en/accounts/login/", {"username": "x", "password": "y"}).status_code
        for _ in range(11)
    ]
    assert statuses[-1] == 429


def test_retake_only_my_mistakes_asks_only_the_missed_questions(client, quiz):
    page = client.get(url("detail", quiz)).content.decode()
    data = right_answers(quiz, page)
    truefalse = quiz.questions.get(kind="truefalse")
    data[f"q{truefalse.pk}"] = "false"
    client.post(url("submit", quiz), data)
    attempt = Attempt.objects.get()
    retake = {"attempt": attempt.key, "mistakes": "on", "one_at_a_time": "on"}
    response = client.post(url("retake", quiz), retake)
    assert response["Location"] == url("step", quiz)
    step = client.get(response["Location"]).content.decode()
    assert "Question 1 of 1" in step and question_of(step) == truefalse.pk


def test_a_removed_question_leaves_the_stored_results_readable(client, quiz):
    page = client.get(url("detail", quiz)).content.decode()
    location = client.post(url("submit", quiz), right_answers(quiz, page))["Location"]
    Question.objects.filter(kind="text").delete()
    assert client.get(location).status_code == 200
    assert Choice.objects.exists()
