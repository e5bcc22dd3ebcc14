"""Fixtures for quiz tests: a quiz with one question of every kind, and helpers that read
the quiz form the way a browser would (by the visible text of each choice)."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.urls import reverse
from django.utils.translation import override

from quizzes.models import Quiz
from tests.factories import make_question, make_quiz

OPTION = re.compile(
    r'<input type="(?:radio|checkbox)" name="(q\d+)" value="([^"]+)"[^>]*>'
    r'<span class="choice-text">(.*?)</span>',
    re.S,
)
# Answers no page would contain by chance, so a test can look for them.
DISTINCT = {
    "text": {"accepted": ["sys.modules", "sys.modules 字典"]},
    "output": {"code": 'print("ab" * 3)', "expected": "ababab\n"},
}
TICKET = re.compile(r'name="ticket" value="([^"]+)"')
QUESTION = re.compile(r'name="question" value="(\d+)"')


@pytest.fixture
def quiz(db) -> Quiz:
    """One question of every kind, in this order: single, multiple, truefalse, numeric,
    text, output, generated."""
    quiz = make_quiz(language="en")
    for kind in ("single", "multiple", "truefalse", "numeric", "text", "output", "generated"):
        make_question(quiz, kind, key=f"{kind}-question", **DISTINCT.get(kind, {}))
    return quiz


def url(name: str, quiz: Quiz | None = None, **kwargs) -> str:
    language = quiz.language if quiz else "en"
    if quiz is not None:
        kwargs.setdefault("slug", quiz.slug)
    with override(language):
        return reverse(f"quizzes:{name}", kwargs=kwargs)


def options(page: str) -> dict[str, dict[str, str]]:
    """{field: {visible choice text: posted value}} from a rendered form."""
    found: dict[str, dict[str, str]] = {}
    for field, value, label in OPTION.findall(page):
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", label)).strip()
        found.setdefault(field, {})[text] = value
    return found


def ticket_of(page: str) -> str:
    return TICKET.search(page).group(1)


def question_of(page: str) -> int:
    return int(QUESTION.search(page).group(1))


def right_answers(quiz: Quiz, page: str) -> dict[str, object]:
    """Form data answering every question of ``quiz`` right, read off its page."""
    from quizzes.presentation import attempt_seed, instance
    from quizzes.tickets import read_ticket

    ticket = read_ticket(ticket_of(page))
    shown = options(page)
    data: dict[str, object] = {"ticket": ticket_of(page)}
    for question in quiz.questions.all():
        field = f"q{question.pk}"
        if question.kind in ("single", "multiple"):
            texts = [c.text for c in question.choices.filter(correct=True)]
            data[field] = [shown[field][text] for text in texts]
        elif question.kind == "truefalse":
            data[field] = "true" if question.answer_bool else "false"
        elif question.kind == "numeric":
            data[field] = str(question.answer_number)
        elif question.kind == "text":
            data[field] = question.accepted[0]
        elif question.kind == "output":
            data[field] = question.expected
        else:
            inst = instance(question, attempt_seed(ticket.key))
            data[field] = str(inst.answer_key.number)
    return data
