"""Small factories for tests: ``make_topic``, ``make_article``, ``make_quiz``, ``make_question``.

Each makes a valid, saved object with sensible defaults; pass keyword arguments to change any
field. They need the database (use them from tests marked ``django_db`` or fixtures on ``db``).
"""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from articles.models import Article, Topic
from quizzes.models import Choice, Learner, Question, Quiz

ARTICLE_BODY = "## 哈希环 {#ring}\n\n正文。\n\n## 取模的问题 {#modulo-problem}\n\n更多正文。\n"
_numbers = itertools.count(1)

# A default answer key per kind, so make_question(kind=...) alone is a valid question.
KIND_DEFAULTS: dict[str, dict] = {
    "single": {},
    "multiple": {},
    "truefalse": {"answer_bool": True},
    "numeric": {"answer_number": 90.9, "tolerance": 0.5},
    "text": {"accepted": ["sys.modules"]},
    "output": {"code": "print(1 + 1)", "expected": "2\n"},
    "generated": {"generator": "quizzes.partial-credit", "prompt": ""},
}
SINGLE_CHOICES = [
    ("About K/11 keys move", True, "Right: 1/(N+1) of the keys.", ""),
    ("Exactly K/10 keys move", False, "Tempting: 1/N feels right, but N grew.", "exactly-k-over-n"),
    ("About 10K/11 keys move", False, "That is modulo hashing, not a ring.", "ring-like-modulo"),
]
MULTIPLE_CHOICES = [
    ("Needs no memory", True, "Right: it is a short loop.", ""),
    ("Moves keys only to the new bucket", True, "Right: that is the jump.", ""),
    ("Removes any bucket cheaply", False, "Only the last bucket can go.", "jump-remove-any"),
    ("Needs virtual nodes", False, "It is even by construction.", "jump-needs-vnodes"),
]


def make_topic(slug: str = "hashing", **fields) -> Topic:
    values = {"order": 1, "name_zh_hans": "一致性哈希", "name_en": "Consistent hashing", "lab": ""}
    values.update(fields)
    topic, _ = Topic.objects.get_or_create(slug=slug, defaults=values)
    return topic


def make_article(
    topic: Topic | None = None,
    language: str = "zh-hans",
    status: str = Article.Status.PUBLISHED,
    **fields,
) -> Article:
    topic = topic or make_topic()
    values = {"title": "一致性哈希", "summary": "摘要。", "body": ARTICLE_BODY}
    values.update(fields)
    article = Article(topic=topic, slug=topic.slug, language=language, status=status, **values)
    article.save()
    return article


def make_quiz(
    topic: Topic | None = None,
    language: str = "zh-hans",
    status: str = Quiz.Status.PUBLISHED,
    *,
    with_article: bool = True,
    **fields,
) -> Quiz:
    """A quiz (with no questions yet) and, unless told otherwise, its article."""
    topic = topic or make_topic()
    if with_article and not Article.objects.filter(topic=topic, language=language).exists():
        make_article(topic, language)
    values = {"title": "一致性哈希小测", "description": "检查你是否**真的**理解了。"}
    values.update(fields)
    return Quiz.objects.create(
        topic=topic, slug=topic.slug, language=language, status=status, **values
    )


def make_choice(question: Question, text: str, correct: bool = False, **fields) -> Choice:
    position = fields.pop("position", question.choices.count())
    return Choice.objects.create(
        question=question, text=text, correct=correct, position=position, **fields
    )


def make_question(
    quiz: Quiz | None = None,
    kind: str = "single",
    *,
    choices: list[tuple] | None = None,
    **fields,
) -> Question:
    """A question of ``kind`` with a default answer key; ``choices`` as (text, correct,
    feedback, misconception) tuples for single and multiple choice."""
    quiz = quiz or make_quiz()
    number = next(_numbers)
    values = {
        "key": f"question-{number}",
        "position": quiz.questions.count(),
        "prompt": f"Question **{number}**?",
        "explanation": f"Because of reason {number}.",
        "anchor": "ring",
        "tags": ["ring"],
        **KIND_DEFAULTS[kind],
    }
    values.update(fields)
    question = Question.objects.create(quiz=quiz, kind=kind, **values)
    if kind in ("single", "multiple"):
        defaults = SINGLE_CHOICES if kind == "single" else MULTIPLE_CHOICES
        for text, correct, feedback, misconception in choices or defaults:
            make_choice(question, text, correct, feedback=feedback, misconception=misconception)
    return question


def make_user(username: str = "reader", password: str = "a long passphrase 42"):
    return get_user_model().objects.create_user(username=username, password=password)


def make_learner(user=None) -> Learner:
    return Learner.objects.create(user=user)
