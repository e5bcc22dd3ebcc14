"""Generated questions: a registry of pure functions that build a question from a seed.

No Django here, so lab engines can register generators without importing the web stack.
A generator takes a seeded ``random.Random`` and a language code (``"zh-hans"`` or ``"en"``)
and returns a :class:`GeneratedQuestion`. The same seed must give the same question, so a
response can store its seed and the review page can rebuild exactly what the learner saw.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

KINDS = ("single", "numeric", "text")


@dataclass(frozen=True)
class GeneratedChoice:
    text: str  # Markdown (inline)
    correct: bool
    feedback: str = ""  # why this is tempting, why it is wrong (Markdown)


@dataclass(frozen=True)
class GeneratedQuestion:
    kind: str  # one of KINDS
    prompt: str  # Markdown
    explanation: str  # Markdown, shown after answering
    answer: float | None = None  # numeric kind
    tolerance: float = 0.0  # numeric kind: absolute tolerance
    accepted: tuple[str, ...] = ()  # text kind: accepted answers (normalised on grading)
    choices: tuple[GeneratedChoice, ...] = field(default_factory=tuple)  # single kind

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown generated kind {self.kind!r}")
        if self.kind == "numeric" and self.answer is None:
            raise ValueError("a numeric question needs an answer")
        if self.kind == "text" and not self.accepted:
            raise ValueError("a text question needs accepted answers")
        if self.kind == "single" and sum(c.correct for c in self.choices) != 1:
            raise ValueError("a single-choice question needs exactly one correct choice")


Generator = Callable[[random.Random, str], GeneratedQuestion]

_registry: dict[str, Generator] = {}


def register(name: str) -> Callable[[Generator], Generator]:
    """Register ``fn`` under ``name`` (``"<lab>.<what>"``); the quiz files refer to it."""

    def decorator(fn: Generator) -> Generator:
        if name in _registry and _registry[name] is not fn:
            raise ValueError(f"generator {name!r} is registered twice")
        _registry[name] = fn
        return fn

    return decorator


def get(name: str) -> Generator:
    try:
        return _registry[name]
    except KeyError:
        raise KeyError(f"no generated-question generator named {name!r}") from None


def names() -> list[str]:
    return sorted(_registry)


def generate(name: str, seed: int, language: str) -> GeneratedQuestion:
    return get(name)(random.Random(seed), language)


@functools.lru_cache(maxsize=4096)
def generate_cached(name: str, seed: int, language: str) -> GeneratedQuestion:
    """:func:`generate`, remembered. Generators are pure, and one instance is built several
    times (the question page, the grading, the review); some run a lab engine to measure."""
    return generate(name, seed, language)
