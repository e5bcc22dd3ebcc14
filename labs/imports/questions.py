"""Generated quiz questions for the import lab.

``imports.body-runs``: a random short sequence of import statements in the ``import-twice``
scenario; how many times does the body of ``demo.py`` run? The answer comes from a pure model
of the import cache (:func:`trace_body_runs`), which the tests check against the real sandbox.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from labs.imports.scenarios import IMPORT_TWICE
from quizzes.generated import GeneratedQuestion, register

PREAMBLE = ("import sys", "import importlib")
IMPORT = "import demo"
FROM_IMPORT = "from demo import x"
DELETE = "del sys.modules['demo']"
RELOAD = "importlib.reload(demo)"
BODY_RUN_STEPS = (IMPORT, FROM_IMPORT, DELETE, RELOAD)

Outcome = (
    str  # "ran" | "cached" | "deleted" | "reloaded" | "KeyError" | "ImportError" | "NameError"
)


@dataclass(frozen=True)
class BodyRunTrace:
    steps: tuple[str, ...]
    outcomes: tuple[Outcome | None, ...]  # None for the preamble lines
    runs: tuple[int, ...]  # body runs so far, after each step

    @property
    def total(self) -> int:
        return self.runs[-1] if self.runs else 0

    @property
    def failing_steps(self) -> tuple[int, ...]:
        """1-based indices of the steps that raise."""
        return tuple(
            index
            for index, outcome in enumerate(self.outcomes, start=1)
            if outcome in ("KeyError", "ImportError", "NameError")
        )


@dataclass
class DemoCacheModel:
    """The import cache as far as `demo` is concerned: which module object (numbered) is in
    ``sys.modules['demo']`` and which one the name ``demo`` refers to."""

    cached: int | None = None
    bound: int | None = None
    objects: int = 0
    runs: int = 0

    def apply(self, step: str) -> Outcome | None:
        """Apply one step; a step that raises changes nothing (as at the >>> prompt)."""
        if step in PREAMBLE:
            return None
        if step in (IMPORT, FROM_IMPORT):
            outcome = "cached"
            if self.cached is None:
                self.objects += 1
                self.cached = self.objects
                self.runs += 1
                outcome = "ran"
            if step == IMPORT:
                self.bound = self.cached
            return outcome
        if step == DELETE:
            if self.cached is None:
                return "KeyError"
            self.cached = None
            return "deleted"
        if step == RELOAD:
            if self.bound is None:
                return "NameError"
            if self.bound != self.cached:
                return "ImportError"  # "module demo not in sys.modules"
            self.runs += 1
            return "reloaded"
        raise ValueError(f"the body-runs model does not know the step {step!r}")

    def steps_that_succeed(self) -> list[str]:
        options = [IMPORT, FROM_IMPORT]
        if self.cached is not None:
            options.append(DELETE)
            if self.bound == self.cached:
                options += [RELOAD, RELOAD]  # the interesting step, drawn twice as often
        return options


def trace_body_runs(steps: Sequence[str]) -> BodyRunTrace:
    model = DemoCacheModel()
    outcomes: list[Outcome | None] = []
    totals: list[int] = []
    for step in steps:
        outcomes.append(model.apply(step))
        totals.append(model.runs)
    return BodyRunTrace(tuple(steps), tuple(outcomes), tuple(totals))


def body_runs_steps(rng: random.Random, *, min_length: int = 3, max_length: int = 6) -> list[str]:
    """A random sequence that never raises: the preamble, then steps drawn from those that
    succeed in the current state."""
    model = DemoCacheModel()
    steps = list(PREAMBLE)
    for _ in range(rng.randint(min_length, max_length)):
        step = rng.choice(model.steps_that_succeed())
        model.apply(step)
        steps.append(step)
    return steps


_REASONS = {
    "ran": (
        "`demo` 不在 `sys.modules` 中，于是创建新的模块对象并执行模块体（第 {n} 次）。",
        "`demo` is not in `sys.modules`, so a new module object is created and its body "
        "runs (run {n}).",
    ),
    "cached": (
        "`sys.modules` 中已有 `demo`，只查一次字典并绑定名字，模块体不执行。",
        "`demo` is already in `sys.modules`, so this is a dictionary lookup and a name "
        "binding; the body does not run.",
    ),
    "deleted": (
        "从 `sys.modules` 删除缓存项；模块对象本身还在，但下一次导入会重新执行模块体。",
        "the cache entry goes; the module object lives on, but the next import runs the "
        "body again.",
    ),
    "reloaded": (
        "`importlib.reload` 在同一个模块对象里重新执行模块体（第 {n} 次）。",
        "`importlib.reload` runs the body again inside the same module object (run {n}).",
    ),
}


@register("imports.body-runs")
def body_runs_question(rng: random.Random, language: str) -> GeneratedQuestion:
    steps = body_runs_steps(rng)
    trace = trace_body_runs(steps)
    zh = language == "zh-hans"
    source = IMPORT_TWICE.files[0].versions[0].rstrip("\n")
    code = "\n".join(steps)
    if zh:
        prompt = (
            f"`demo.py` 的内容如下：\n\n```python\n{source}\n```\n\n"
            "在一个全新的 Python 解释器里（`demo.py` 所在目录在 `sys.path` 上）"
            f"依次执行下面的语句：\n\n```python\n{code}\n```\n\n"
            "`demo.py` 的模块体一共执行了几次？"
        )
    else:
        prompt = (
            f"`demo.py` contains:\n\n```python\n{source}\n```\n\n"
            "In a fresh Python interpreter (with the directory of `demo.py` on `sys.path`), "
            f"these statements run in order:\n\n```python\n{code}\n```\n\n"
            "How many times does the body of `demo.py` run in total?"
        )
    lines = []
    for number, (step, outcome, runs) in enumerate(
        zip(trace.steps, trace.outcomes, trace.runs, strict=True), start=1
    ):
        if outcome is None:
            continue
        reason = _REASONS[outcome][0 if zh else 1].format(n=runs)
        lines.append(f"{number}. `{step}`：{reason}" if zh else f"{number}. `{step}` — {reason}")
    link = (
        "/zh-hans/labs/imports/?scenario=import-twice"
        if zh
        else ("/en/labs/imports/?scenario=import-twice")
    )
    if zh:
        explanation = (
            "逐行看（第 1、2 行只是绑定 `sys` 和 `importlib`）：\n\n"
            + "\n".join(lines)
            + f"\n\n所以一共执行 {trace.total} 次。"
            f"可以在[实验室]({link})里运行这些语句，看每一步的 `sys.modules` 和输出。"
        )
    else:
        explanation = (
            "Line by line (lines 1 and 2 only bind `sys` and `importlib`):\n\n"
            + "\n".join(lines)
            + f"\n\nSo the body runs {trace.total} times in total. Run these lines in the "
            f"[lab]({link}) to see `sys.modules` and the output after every step."
        )
    return GeneratedQuestion(
        kind="numeric",
        prompt=prompt,
        explanation=explanation,
        answer=float(trace.total),
        tolerance=0.0,
    )
