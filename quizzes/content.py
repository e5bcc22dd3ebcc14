"""content/<topic>/quiz.<lang>.toml <-> Quiz, Question and Choice rows (see content/README.md).

Same guarantees as the articles: loading is idempotent (an unchanged file writes nothing) and
runs inside the command's transaction (a bad file loads nothing); errors name the file and
the line (tomllib's for syntax, the question's ``[[questions]]`` line for meaning). A dump
writes canonical TOML (tomli_w, multi-line strings) and only for a quiz whose data differs
from its file, so a dump after a load changes no file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from articles.content import (
    LANGUAGES,
    SLUG,
    ContentError,
    Report,
    parse_toml,
    read_text,
    topic_dirs,
    write_if_changed,
)
from articles.models import Article, Topic
from quizzes import generated
from quizzes.grading import KINDS
from quizzes.models import Choice, Question, Quiz, article_anchors

QUIZ_KEYS = {"title", "description", "status", "questions"}
COMMON_KEYS = {"key", "kind", "prompt", "explanation", "anchor", "tags"}
KIND_KEYS = {
    "single": {"choices"},
    "multiple": {"choices"},
    "truefalse": {"answer"},
    "numeric": {"answer", "tolerance"},
    "text": {"accepted"},
    "output": {"code", "expected", "scenario"},
    "generated": {"generator"},
}
KIND_REQUIRED = {
    "single": {"choices"},
    "multiple": {"choices"},
    "truefalse": {"answer"},
    "numeric": {"answer"},
    "text": {"accepted"},
    "output": {"code", "expected"},
    "generated": {"generator"},
}
CHOICE_KEYS = {"text", "correct", "feedback", "misconception"}
QUESTION_HEADER = re.compile(r"^\s*\[\[\s*questions\s*\]\]\s*(#.*)?$")
CHOICE_HEADER = re.compile(r"^\s*\[\[\s*questions\s*\.\s*choices\s*\]\]\s*(#.*)?$")
QUESTION_DEFAULTS = {
    "prompt": "",
    "explanation": "",
    "tags": [],
    "answer_number": None,
    "tolerance": 0.0,
    "answer_bool": None,
    "accepted": [],
    "code": "",
    "expected": "",
    "scenario": "",
    "generator": "",
}


@dataclass
class QuestionSpec:
    values: dict  # Question field -> value (key, kind, position, prompt, ...)
    choices: list[dict] = field(default_factory=list)  # Choice field -> value, in order
    line: int | None = None


@dataclass
class QuizSpec:
    values: dict  # Quiz field -> value (title, description, status)
    questions: list[QuestionSpec]

    def comparable(self) -> tuple:
        return (
            self.values,
            [(q.values, q.choices) for q in self.questions],
        )


def quiz_path(root: Path, topic_slug: str, language: str) -> Path:
    return root / topic_slug / f"quiz.{language}.toml"


# ---------------------------------------------------------------------------------------
# Reading a file


def header_lines(text: str) -> tuple[list[int], list[list[int]]]:
    """1-based lines of each ``[[questions]]`` header, and of each question's choice headers."""
    questions: list[int] = []
    choices: list[list[int]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if QUESTION_HEADER.match(line):
            questions.append(number)
            choices.append([])
        elif CHOICE_HEADER.match(line) and choices:
            choices[-1].append(number)
    return questions, choices


class _Where:
    """Builds errors that name the question (number and key) and its line."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.questions, self.choices = header_lines(text)

    def line(self, index: int, choice: int | None = None) -> int | None:
        if choice is not None and index < len(self.choices) and choice < len(self.choices[index]):
            return self.choices[index][choice]
        return self.questions[index] if index < len(self.questions) else None

    def error(self, index: int, key: object, message: str, choice: int | None = None):
        label = f"question {index + 1}" + (f" ({key})" if isinstance(key, str) and key else "")
        if choice is not None:
            label += f", choice {choice + 1}"
        return ContentError(self.path, f"{label}: {message}", self.line(index, choice))


def _string(value: object) -> bool:
    return isinstance(value, str)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_keys(where: _Where, index: int, key, data: dict, allowed: set, required: set):
    unknown = set(data) - allowed
    if unknown:
        raise where.error(index, key, f"unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}")
    missing = required - set(data)
    if missing:
        raise where.error(index, key, f"missing keys {sorted(missing)}")


def _choices(where: _Where, index: int, key: str, kind: str, raw: object) -> list[dict]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise where.error(
            index, key, "choices must be a list of at least two [[questions.choices]]"
        )
    choices = []
    for position, item in enumerate(raw):
        if not isinstance(item, dict):
            raise where.error(index, key, "each choice must be a table", position)
        unknown = set(item) - CHOICE_KEYS
        if unknown or not {"text", "correct"} <= set(item):
            raise where.error(
                index,
                key,
                f"a choice has the keys {sorted(CHOICE_KEYS)}; text and correct are required",
                position,
            )
        text, correct = item["text"], item["correct"]
        feedback, misconception = item.get("feedback", ""), item.get("misconception", "")
        if not _string(text) or not text.strip():
            raise where.error(index, key, "a choice needs a non-empty text", position)
        if not isinstance(correct, bool):
            raise where.error(index, key, "correct must be true or false", position)
        if not _string(feedback):
            raise where.error(index, key, "feedback must be a string", position)
        if not _string(misconception) or (misconception and not SLUG.match(misconception)):
            raise where.error(
                index,
                key,
                "misconception must be a kebab-case tag like 'ring-like-modulo'",
                position,
            )
        choices.append(
            {
                "position": position,
                "text": text,
                "correct": correct,
                "feedback": feedback,
                "misconception": misconception,
            }
        )
    right = sum(c["correct"] for c in choices)
    if kind == "single" and right != 1:
        raise where.error(
            index, key, f"a single-choice question needs exactly one correct choice (has {right})"
        )
    if kind == "multiple" and right < 1:
        raise where.error(
            index, key, "a multiple-choice question needs at least one correct choice"
        )
    return choices


def _question(where: _Where, index: int, data: object) -> QuestionSpec:
    if not isinstance(data, dict):
        raise where.error(index, None, "each question must be a [[questions]] table")
    key, kind = data.get("key"), data.get("kind")
    if not _string(key) or not SLUG.match(key) or len(key) > 80:
        raise where.error(index, key, "key must be a kebab-case id like 'modulo-moves'")
    if kind not in KINDS:
        raise where.error(index, key, f"kind must be one of {list(KINDS)} (got {kind!r})")
    required = {"key", "kind", "anchor"} | KIND_REQUIRED[kind]
    if kind != "generated":
        required |= {"prompt", "explanation"}
    _check_keys(where, index, key, data, COMMON_KEYS | KIND_KEYS[kind], required)
    values = {"key": key, "kind": kind, "position": index, **QUESTION_DEFAULTS}
    for name in ("prompt", "explanation"):
        value = data.get(name, "")
        if not _string(value) or (name in required and not value.strip()):
            raise where.error(index, key, f"{name} must be a non-empty string (Markdown)")
        values[name] = value
    anchor = data["anchor"]
    if not _string(anchor) or not SLUG.match(anchor):
        raise where.error(index, key, "anchor must be a heading id like 'modulo-problem'")
    values["anchor"] = anchor
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(_string(t) and t.strip() for t in tags):
        raise where.error(index, key, "tags must be a list of non-empty strings")
    values["tags"] = list(tags)
    spec = QuestionSpec(values=values, line=where.line(index))
    _kind_values(where, index, key, kind, data, spec)
    return spec


def _kind_values(where: _Where, index: int, key: str, kind: str, data: dict, spec: QuestionSpec):
    values = spec.values
    if kind in ("single", "multiple"):
        spec.choices = _choices(where, index, key, kind, data["choices"])
    elif kind == "truefalse":
        if not isinstance(data["answer"], bool):
            raise where.error(index, key, "a true/false answer is true or false")
        values["answer_bool"] = data["answer"]
    elif kind == "numeric":
        answer, tolerance = data["answer"], data.get("tolerance", 0)
        if not _number(answer):
            raise where.error(index, key, "a numeric answer must be a finite number")
        if not _number(tolerance) or tolerance < 0:
            raise where.error(index, key, "tolerance must be a number ≥ 0 (absolute)")
        values["answer_number"], values["tolerance"] = float(answer), float(tolerance)
    elif kind == "text":
        accepted = data["accepted"]
        if (
            not isinstance(accepted, list)
            or not accepted
            or not all(_string(a) and a.strip() for a in accepted)
        ):
            raise where.error(index, key, "accepted must be a non-empty list of answers")
        values["accepted"] = list(accepted)
    elif kind == "output":
        code, expected = data["code"], data["expected"]
        scenario = data.get("scenario", "")
        if not _string(code) or not code.strip():
            raise where.error(index, key, "code must be a non-empty string")
        if not _string(expected) or not _string(scenario):
            raise where.error(index, key, "expected and scenario must be strings")
        values.update(code=code, expected=expected, scenario=scenario)
    else:
        name = data["generator"]
        if not _string(name) or not name:
            raise where.error(index, key, "generator must name a registered generator")
        values["generator"] = name


def parse_quiz(path: Path, text: str) -> QuizSpec:
    """The structure of one quiz file (no database checks; see :func:`check_references`)."""
    data = parse_toml(path, text)
    unknown = set(data) - QUIZ_KEYS
    if unknown:
        raise ContentError(path, f"unknown keys {sorted(unknown)}; allowed: {sorted(QUIZ_KEYS)}", 1)
    missing = {"title", "status", "questions"} - set(data)
    if missing:
        raise ContentError(path, f"missing keys {sorted(missing)}", 1)
    title, description = data["title"], data.get("description", "")
    if not _string(title) or not title.strip() or len(title) > 200:
        raise ContentError(path, "title must be a non-empty string of at most 200 characters", 1)
    if not _string(description):
        raise ContentError(path, "description must be a string (Markdown, one paragraph)", 1)
    if data["status"] not in Quiz.Status.values:
        raise ContentError(path, f"status must be one of {Quiz.Status.values}", 1)
    raw = data["questions"]
    if not isinstance(raw, list) or not raw:
        raise ContentError(path, "a quiz needs at least one [[questions]] table", 1)
    where = _Where(path, text)
    questions = [_question(where, index, item) for index, item in enumerate(raw)]
    seen: dict[str, int] = {}
    for index, question in enumerate(questions):
        key = question.values["key"]
        if key in seen:
            raise where.error(index, key, f"the key is already used by question {seen[key] + 1}")
        seen[key] = index
    values = {"title": title, "description": description, "status": data["status"]}
    return QuizSpec(values=values, questions=questions)


def _scenario_names() -> set[str] | None:
    try:
        from labs.imports import scenarios
    except ImportError:  # the imports lab is not installed: nothing to check against
        return None
    return set(scenarios.names())


def check_references(path: Path, spec: QuizSpec, article: Article | None) -> None:
    """Anchors must exist in the article's headings; generators and scenarios must exist."""
    if article is None:
        raise ContentError(path, "the quiz has no article in its language to link its anchors to")
    anchors = article_anchors(article)
    registered = set(generated.names())
    scenarios = _scenario_names()
    for index, question in enumerate(spec.questions, start=1):
        values = question.values
        label = f"question {index} ({values['key']})"
        if values["anchor"] not in anchors:
            raise ContentError(
                path,
                f"{label}: anchor {values['anchor']!r} is not a heading of {article.slug} "
                f"({article.language}); headings: {sorted(anchors)}",
                question.line,
            )
        if values["kind"] == "generated" and values["generator"] not in registered:
            raise ContentError(
                path,
                f"{label}: no generator named {values['generator']!r} is registered; "
                f"registered: {sorted(registered)}",
                question.line,
            )
        scenario = values["scenario"]
        if scenario and scenarios is not None and scenario not in scenarios:
            raise ContentError(
                path, f"{label}: unknown import-lab scenario {scenario!r}", question.line
            )


# ---------------------------------------------------------------------------------------
# Database <-> spec


def question_values(question: Question) -> dict:
    values = {"key": question.key, "kind": question.kind, "position": question.position}
    values["anchor"] = question.anchor
    for name in QUESTION_DEFAULTS:
        values[name] = getattr(question, name)
    return values


def choice_values(choice: Choice) -> dict:
    return {name: getattr(choice, name) for name in ("position", *sorted(CHOICE_KEYS))}


def _normal_choice(values: dict) -> dict:
    return {name: values[name] for name in ("position", *sorted(CHOICE_KEYS))}


def spec_of(quiz: Quiz) -> QuizSpec:
    questions = [
        QuestionSpec(
            values=_ordered(question_values(q)),
            choices=[choice_values(c) for c in q.choices.all()],
        )
        for q in quiz.questions.prefetch_related("choices")
    ]
    values = {"title": quiz.title, "description": quiz.description, "status": quiz.status}
    return QuizSpec(values=values, questions=questions)


def _ordered(values: dict) -> dict:
    return {name: values[name] for name in sorted(values)}


def _sync_choices(question: Question, wanted: list[dict]) -> None:
    current = list(question.choices.all())
    for index, values in enumerate(wanted):
        if index < len(current):
            choice = current[index]
            if choice_values(choice) != _normal_choice(values):
                for name, value in values.items():
                    setattr(choice, name, value)
                choice.save()
        else:
            Choice.objects.create(question=question, **values)
    for choice in current[len(wanted) :]:
        choice.delete()


def _sync_question(quiz: Quiz, question: Question | None, spec: QuestionSpec) -> bool:
    """Bring one question in line with its spec; True when anything was written."""
    changed = False
    if question is None:
        question = Question.objects.create(quiz=quiz, **spec.values)
        changed = True
    elif _ordered(question_values(question)) != _ordered(spec.values):
        for name, value in spec.values.items():
            setattr(question, name, value)
        question.save()
        changed = True
    wanted = [_normal_choice(c) for c in spec.choices]
    if [choice_values(c) for c in question.choices.all()] != wanted:
        _sync_choices(question, wanted)
        changed = True
    return changed


def _load_quiz(path: Path, topic: Topic, language: str, report: Report) -> None:
    spec = parse_quiz(path, read_text(path))
    article = Article.objects.filter(topic=topic, language=language).first()
    check_references(path, spec, article)
    label = f"quiz {topic.slug} ({language})"
    quiz = Quiz.objects.filter(slug=topic.slug, language=language).first()
    if quiz is None:
        quiz = Quiz.objects.create(topic=topic, slug=topic.slug, language=language, **spec.values)
        for question in spec.questions:
            _sync_question(quiz, None, question)
        report.created.append(label)
        return
    changed = False
    if quiz.topic_id != topic.pk or any(getattr(quiz, k) != v for k, v in spec.values.items()):
        quiz.topic = topic
        for name, value in spec.values.items():
            setattr(quiz, name, value)
        changed = True
    existing = {q.key: q for q in quiz.questions.prefetch_related("choices")}
    for question in spec.questions:
        changed |= _sync_question(quiz, existing.pop(question.values["key"], None), question)
    for stale in existing.values():  # removed from the file: its answers go with it
        stale.delete()
        changed = True
    if changed:
        quiz.save()  # also bumps updated_at, which the quiz list's ETag follows
        report.updated.append(label)
    else:
        report.unchanged += 1


def load_quizzes(root: Path) -> Report:
    """Load every topic folder's quiz files. Call inside a transaction (loadcontent does)."""
    report = Report()
    for directory in topic_dirs(root):
        topic = Topic.objects.filter(slug=directory.name).first()
        for language in LANGUAGES:
            path = quiz_path(root, directory.name, language)
            if not path.exists():
                continue
            if topic is None:
                raise ContentError(path, "the topic of this quiz was not loaded")
            _load_quiz(path, topic, language, report)
    return report


# ---------------------------------------------------------------------------------------
# Dumping


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def question_data(question: Question) -> dict:
    """One question as the file writes it: the keys in a fixed, readable order."""
    data: dict = {"key": question.key, "kind": question.kind}
    kind = question.kind
    if kind == Question.Kind.GENERATED:
        data["generator"] = question.generator
    if kind == Question.Kind.OUTPUT and question.scenario:
        data["scenario"] = question.scenario
    if question.prompt:
        data["prompt"] = question.prompt
    if kind == Question.Kind.OUTPUT:
        data["code"] = question.code
        data["expected"] = question.expected
    elif kind == Question.Kind.TRUEFALSE:
        data["answer"] = bool(question.answer_bool)
    elif kind == Question.Kind.NUMERIC:
        data["answer"] = _plain_number(question.answer_number or 0.0)
        data["tolerance"] = _plain_number(question.tolerance)
    elif kind == Question.Kind.TEXT:
        data["accepted"] = list(question.accepted)
    if question.explanation:
        data["explanation"] = question.explanation
    data["anchor"] = question.anchor
    data["tags"] = list(question.tags)
    if question.is_choice:
        data["choices"] = [
            {
                "text": c.text,
                "correct": c.correct,
                "feedback": c.feedback,
                "misconception": c.misconception,
            }
            for c in question.choices.all()
        ]
    return data


def quiz_text(quiz: Quiz) -> str:
    data = {
        "title": quiz.title,
        "description": quiz.description,
        "status": quiz.status,
        "questions": [question_data(q) for q in quiz.questions.prefetch_related("choices")],
    }
    return tomli_w.dumps(data, multiline_strings=True)


def _same_data(path: Path, quiz: Quiz) -> bool:
    if not path.exists():
        return False
    try:
        on_disk = parse_quiz(path, read_text(path))
    except ContentError:
        return False
    return on_disk.comparable() == spec_of(quiz).comparable()


def dump_quizzes(root: Path, *, canonical: bool = False) -> list[Path]:
    """Write each quiz whose data differs from its file (all of them with ``canonical``,
    when their text is not already the canonical form)."""
    written = []
    for quiz in Quiz.objects.select_related("topic"):
        path = quiz_path(root, quiz.topic.slug, quiz.language)
        if not canonical and _same_data(path, quiz):
            continue
        if write_if_changed(path, quiz_text(quiz)):
            written.append(path)
    return written
