"""Grading: pure functions from an answer key and a learner's answer to points.

No Django here: the views parse form input into typed answers (``quizzes.forms``) and build an
:class:`AnswerKey` from the stored question (``quizzes.presentation``); this module only decides
how many of the question's one point the answer earns. Every question is worth one point.

The rules, as stated to learners on the quiz page:

* single choice, true/false: 1 for the right answer, 0 otherwise;
* multiple choice with k correct choices: each correct choice ticked earns 1/k, each wrong
  choice ticked takes 1/k away, never below zero;
* numeric: 1 when within the absolute tolerance of the answer;
* short text: 1 when it equals an accepted answer after normalising case, width (NFKC:
  full-width ＡＢＣ/１２３ become ASCII) and whitespace;
* predict-the-output: 1 when it equals the expected output after normalising line endings,
  width and trailing spaces (the output itself must match exactly otherwise).
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TypeVar

KINDS = ("single", "multiple", "truefalse", "numeric", "text", "output", "generated")
CHOICE_KINDS = ("single", "multiple")

# Room for float rounding in the tolerance test: 91.4 - 90.9 is 0.5000000000000057, and a
# learner who types 91.4 for "90.9 ± 0.5" is right.
RELATIVE_SLACK = 1e-9

_SPACES = re.compile(r"\s+")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
MAX_NUMBER_LENGTH = 40

T = TypeVar("T")


@dataclass(frozen=True)
class ChoiceKey:
    """One option of a choice question: its id (a database id, or an index for generated
    questions) and whether ticking it is right."""

    id: int
    correct: bool


@dataclass(frozen=True)
class AnswerKey:
    """Everything needed to grade one question; built from the stored (or generated) question.

    ``kind`` is never ``"generated"`` here: a generated question is graded as the kind its
    generator produced.
    """

    kind: str
    choices: tuple[ChoiceKey, ...] = ()
    number: float | None = None
    tolerance: float = 0.0
    truth: bool | None = None
    accepted: tuple[str, ...] = ()
    expected: str = ""


@dataclass(frozen=True)
class Grade:
    points: float  # 0 <= points <= 1
    correct: bool  # full marks

    @property
    def partial(self) -> bool:
        return 0 < self.points < 1

    @property
    def verdict(self) -> str:
        """``correct``, ``partial`` or ``wrong``: also the CSS class of the feedback box."""
        if self.correct:
            return "correct"
        return "partial" if self.partial else "wrong"


RIGHT = Grade(1.0, True)
WRONG = Grade(0.0, False)


def normalize_text(value: str) -> str:
    """Case, width and whitespace do not matter: ``"  SYS.Modules "`` == ``"sys.modules"``,
    and full-width ``ｓｙｓ．ｍｏｄｕｌｅｓ`` typed with a Chinese input method matches too."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip().casefold()


def normalize_output(value: str) -> str:
    """Program output compares exactly, except for line endings, width (NFKC), spaces at the
    ends of lines and blank lines at the start and end (a textarea adds and drops those)."""
    text = unicodedata.normalize("NFKC", value).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def parse_number(raw: str) -> float:
    """A number as learners type it: ``90.9``, ``９０．９`` (full width), ``1,000``,
    ``90.9%``, ``1e3``. Raises ``ValueError`` for anything else, NaN and infinities included."""
    text = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
    if not text or len(text) > MAX_NUMBER_LENGTH:
        raise ValueError("not a number")
    text = text.removesuffix("%")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        raise ValueError("not a number")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def within_tolerance(answer: float, tolerance: float, given: float) -> bool:
    slack = RELATIVE_SLACK * max(1.0, abs(answer), abs(tolerance))
    return abs(given - answer) <= tolerance + slack


def grade_choices(kind: str, choices: Sequence[ChoiceKey], chosen: Collection[int]) -> Grade:
    chosen = set(chosen)
    known = {choice.id for choice in choices}
    if not chosen <= known:
        raise ValueError("an answer names a choice the question does not have")
    correct = {choice.id for choice in choices if choice.correct}
    if kind == "single":
        return RIGHT if len(chosen) == 1 and chosen <= correct else WRONG
    k = len(correct)
    if k == 0:
        raise ValueError("a multiple-choice question needs at least one correct choice")
    hits = len(chosen & correct)
    misses = len(chosen - correct)
    points = max(0.0, (hits - misses) / k)
    return Grade(points, hits == k and misses == 0)


def grade(key: AnswerKey, answer: object) -> Grade:
    """Grade a typed answer: a collection of choice ids (single/multiple), a bool
    (true/false), a float (numeric) or a string (text/output)."""
    if key.kind in CHOICE_KINDS:
        if not isinstance(answer, Collection) or isinstance(answer, str):
            raise TypeError("a choice answer is a collection of choice ids")
        return grade_choices(key.kind, key.choices, answer)
    if key.kind == "truefalse":
        return RIGHT if bool(answer) is key.truth else WRONG
    if key.kind == "numeric":
        if key.number is None or not isinstance(answer, int | float):
            raise TypeError("a numeric answer is a number")
        return RIGHT if within_tolerance(key.number, key.tolerance, float(answer)) else WRONG
    if key.kind == "text":
        given = normalize_text(str(answer))
        return RIGHT if any(normalize_text(a) == given for a in key.accepted) else WRONG
    if key.kind == "output":
        return RIGHT if normalize_output(str(answer)) == normalize_output(key.expected) else WRONG
    raise ValueError(f"cannot grade a question of kind {key.kind!r}")


def derive_seed(*parts: object) -> int:
    """A stable non-negative 63-bit seed from any parts (unlike ``hash()``, the same in every
    process, so a seed stored today rebuilds the same question tomorrow)."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def shuffled(items: Sequence[T], seed: int) -> list[T]:
    """The items in an order fixed by ``seed``: the same attempt always shows the same order."""
    order = list(items)
    random.Random(seed).shuffle(order)
    return order
