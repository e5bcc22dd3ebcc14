"""One question as one attempt shows it, before and after it is answered.

The attempt's seed fixes the order of the choices and the parameters of a generated question,
so a reload, the grading and the review page all see the same instance. What the question
page renders (:class:`Shown`) carries no answer key: option values are display positions, and
the choice ids, correct flags, feedback and explanation stay in :class:`Instance` on the server
until the answer is in (:class:`Reviewed`).
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass

from django.utils.translation import gettext as _

from articles.markdown import render, render_inline
from quizzes import generated, grading
from quizzes.grading import AnswerKey, ChoiceKey, Grade
from quizzes.models import Choice, Question

INPUTS = {
    "single": "radio",
    "multiple": "checkbox",
    "truefalse": "truefalse",
    "numeric": "number",
    "text": "text",
    "output": "code",
}


def attempt_seed(key: uuid.UUID) -> int:
    return grading.derive_seed("attempt", key)


def question_seed(seed: int, question: Question) -> int:
    return grading.derive_seed(seed, question.key)


@dataclass(frozen=True)
class ShownOption:
    value: str  # what the form posts back: the option's display position
    html: str


@dataclass(frozen=True)
class Shown:
    """What the question page may render."""

    question_id: int
    number: int  # 1-based position in the attempt
    kind: str  # the kind graded (a generated question's generator decides it)
    input: str  # radio | checkbox | truefalse | number | text | code
    prompt_html: str
    code_html: str
    scenario: str
    options: tuple[ShownOption, ...]
    language: str

    @property
    def field(self) -> str:
        return f"q{self.question_id}"


@dataclass(frozen=True)
class _Detail:
    html: str
    feedback_html: str
    correct: bool
    misconception: str


@dataclass(frozen=True)
class Instance:
    shown: Shown
    question: Question
    seed: int
    answer_key: AnswerKey
    option_ids: tuple[int, ...]  # display position -> choice id (or generated index)
    details: dict[int, _Detail]  # choice id (or generated index) -> text and feedback
    explanation_html: str
    number_answer: float | None
    tolerance: float
    accepted: tuple[str, ...]


@dataclass(frozen=True)
class _GeneratedHtml:
    prompt_html: str
    explanation_html: str
    choices_html: tuple[str, ...]
    feedback_html: tuple[str, ...]


@functools.lru_cache(maxsize=4096)
def _generated_html(name: str, seed: int, language: str) -> _GeneratedHtml:
    built = generated.generate_cached(name, seed, language)
    return _GeneratedHtml(
        prompt_html=render(built.prompt).html,
        explanation_html=render(built.explanation).html if built.explanation else "",
        choices_html=tuple(render_inline(c.text) for c in built.choices),
        feedback_html=tuple(render(c.feedback).html if c.feedback else "" for c in built.choices),
    )


def _choices(question: Question) -> list[Choice]:
    # Use the prefetch cache when the caller loaded the choices with the questions.
    return list(question.choices.all())


def instance(question: Question, seed: int, number: int = 1) -> Instance:
    """``seed`` is the attempt's seed; the question's own seed is derived from it."""
    qseed = question_seed(seed, question)
    language = question.quiz.language
    if question.kind == Question.Kind.GENERATED:
        return _generated_instance(question, qseed, number, language)
    details: dict[int, _Detail] = {}
    option_ids: tuple[int, ...] = ()
    options: tuple[ShownOption, ...] = ()
    if question.is_choice:
        choices = grading.shuffled(_choices(question), qseed)
        option_ids = tuple(choice.pk for choice in choices)
        options = tuple(ShownOption(str(i), c.text_html) for i, c in enumerate(choices))
        details = {
            c.pk: _Detail(c.text_html, c.feedback_html, c.correct, c.misconception) for c in choices
        }
    key = AnswerKey(
        kind=question.kind,
        choices=tuple(ChoiceKey(pk, details[pk].correct) for pk in option_ids),
        number=question.answer_number,
        tolerance=question.tolerance,
        truth=question.answer_bool,
        accepted=tuple(question.accepted),
        expected=question.expected,
    )
    shown = Shown(
        question_id=question.pk,
        number=number,
        kind=question.kind,
        input=INPUTS[question.kind],
        prompt_html=question.prompt_html,
        code_html=question.code_html,
        scenario=question.scenario,
        options=options,
        language=language,
    )
    return Instance(
        shown=shown,
        question=question,
        seed=qseed,
        answer_key=key,
        option_ids=option_ids,
        details=details,
        explanation_html=question.explanation_html,
        number_answer=question.answer_number,
        tolerance=question.tolerance,
        accepted=tuple(question.accepted),
    )


def _generated_instance(question: Question, qseed: int, number: int, language: str) -> Instance:
    built = generated.generate_cached(question.generator, qseed, language)
    html = _generated_html(question.generator, qseed, language)
    order = grading.shuffled(range(len(built.choices)), qseed)
    details = {
        i: _Detail(html.choices_html[i], html.feedback_html[i], c.correct, "")
        for i, c in enumerate(built.choices)
    }
    key = AnswerKey(
        kind=built.kind,
        choices=tuple(ChoiceKey(i, built.choices[i].correct) for i in order),
        number=built.answer,
        tolerance=built.tolerance,
        accepted=built.accepted,
    )
    intro = question.prompt_html  # an optional lead-in written in the quiz file
    shown = Shown(
        question_id=question.pk,
        number=number,
        kind=built.kind,
        input=INPUTS[built.kind],
        prompt_html=intro + html.prompt_html,
        code_html="",
        scenario="",
        options=tuple(ShownOption(str(pos), html.choices_html[i]) for pos, i in enumerate(order)),
        language=language,
    )
    return Instance(
        shown=shown,
        question=question,
        seed=qseed,
        answer_key=key,
        option_ids=tuple(order),
        details=details,
        explanation_html=html.explanation_html + question.explanation_html,
        number_answer=built.answer,
        tolerance=built.tolerance,
        accepted=built.accepted,
    )


def format_number(value: float) -> str:
    return f"{value:.6g}"


@dataclass(frozen=True)
class ReviewedOption:
    html: str
    chosen: bool
    correct: bool
    feedback_html: str
    misconception: str


@dataclass(frozen=True)
class Reviewed:
    """A question after it was answered: everything the learner may now see."""

    shown: Shown
    grade: Grade
    options: tuple[ReviewedOption, ...]
    given: str  # the learner's answer, for non-choice kinds
    right_answer: str  # the answer key, for non-choice kinds
    explanation_html: str
    article_url: str
    misconceptions: tuple[str, ...]
    tags: tuple[str, ...]

    @property
    def verdict(self) -> str:
        return self.grade.verdict

    @property
    def points(self) -> float:
        return self.grade.points


def _given(inst: Instance, answer: object) -> str:
    kind = inst.shown.kind
    if kind == "truefalse":
        return _("True") if answer else _("False")
    if kind == "numeric":
        return format_number(float(answer))  # type: ignore[arg-type]
    if kind in ("text", "output"):
        return str(answer)
    return ""


def _right_answer(inst: Instance) -> str:
    kind = inst.shown.kind
    if kind == "truefalse":
        return _("True") if inst.answer_key.truth else _("False")
    if kind == "numeric" and inst.number_answer is not None:
        text = format_number(inst.number_answer)
        return f"{text} ± {format_number(inst.tolerance)}" if inst.tolerance else text
    if kind == "text":
        return " · ".join(inst.accepted)
    if kind == "output":
        return inst.answer_key.expected
    return ""


def review(inst: Instance, answer: object, grade: Grade) -> Reviewed:
    chosen = set(answer) if inst.shown.kind in grading.CHOICE_KINDS else set()  # type: ignore[arg-type]
    options = tuple(
        ReviewedOption(
            html=inst.details[cid].html,
            chosen=cid in chosen,
            correct=inst.details[cid].correct,
            feedback_html=inst.details[cid].feedback_html,
            misconception=inst.details[cid].misconception,
        )
        for cid in inst.option_ids
    )
    misconceptions = tuple(
        o.misconception for o in options if o.chosen and not o.correct and o.misconception
    )
    return Reviewed(
        shown=inst.shown,
        grade=grade,
        options=options,
        given=_given(inst, answer),
        right_answer=_right_answer(inst),
        explanation_html=inst.explanation_html,
        article_url=inst.question.article_url(),
        misconceptions=misconceptions,
        tags=tuple(inst.question.tags),
    )


def review_response(response, seed: int, number: int = 1) -> Reviewed:
    """Rebuild a stored response's review (``seed``: its attempt's seed)."""
    inst = instance(response.question, seed, number)
    return review(inst, response.answer, Grade(response.points, response.correct))
