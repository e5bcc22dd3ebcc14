"""The generated question `imports.body-runs`: its pure model agrees with the real sandbox."""

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labs.imports import questions
from labs.imports.questions import (
    BODY_RUN_STEPS,
    PREAMBLE,
    body_runs_steps,
    trace_body_runs,
)
from labs.imports.sandbox import run
from quizzes import generated


def test_body_runs_is_registered_and_the_same_seed_gives_the_same_question():
    assert "imports.body-runs" in generated.names()
    for language in ("zh-hans", "en"):
        assert generated.generate("imports.body-runs", 11, language) == generated.generate(
            "imports.body-runs", 11, language
        )


@pytest.mark.parametrize("seed", range(30))
def test_the_model_answer_matches_the_sandbox(seed):
    steps = body_runs_steps(random.Random(seed))
    question = questions.body_runs_question(random.Random(seed), "en")
    assert "\n".join(steps) in question.prompt
    result = run("import-twice", steps)
    assert result.error is None
    assert question.answer == result.body_runs.get("demo", 0) == trace_body_runs(steps).total


def test_the_model_predicts_the_steps_that_raise_in_arbitrary_sequences():
    rng = random.Random(2024)
    for _ in range(12):
        steps = [*PREAMBLE, *(rng.choice(BODY_RUN_STEPS) for _ in range(rng.randint(3, 8)))]
        trace = trace_body_runs(steps)
        result = run("import-twice", steps)
        failing = tuple(step.index for step in result.steps if step.error)
        assert failing == trace.failing_steps, steps
        for index in failing:
            assert result.steps[index - 1].error.startswith(trace.outcomes[index - 1])
        assert result.body_runs.get("demo", 0) == trace.total, steps


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_generated_sequences_never_raise_and_start_with_the_preamble(seed):
    steps = body_runs_steps(random.Random(seed))
    assert tuple(steps[:2]) == PREAMBLE
    assert 3 <= len(steps) - 2 <= 6
    trace = trace_body_runs(steps)
    assert trace.failing_steps == ()
    assert 1 <= trace.total <= len(steps) - 2


def test_reload_of_a_module_no_longer_in_sys_modules_is_an_import_error():
    steps = [*PREAMBLE, "import demo", "del sys.modules['demo']", "from demo import x",
             "importlib.reload(demo)"]  # fmt: skip
    assert trace_body_runs(steps).outcomes[-1] == "ImportError"
    result = run("import-twice", steps)
    assert result.steps[-1].error == "ImportError: module demo not in sys.modules"


_CJK = "\u4e00-\u9fff"


def _prose(markdown: str) -> str:
    """Markdown without code blocks, code spans and link targets."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


@pytest.mark.parametrize("seed", range(10))
def test_chinese_text_uses_full_width_punctuation_and_spaces_around_latin(seed):
    question = generated.generate("imports.body-runs", seed, "zh-hans")
    for markdown in (question.prompt, question.explanation):
        prose = _prose(markdown)
        assert not re.search(f"[{_CJK}][A-Za-z0-9]|[A-Za-z0-9][{_CJK}]", prose), prose
        assert not re.search(f"[{_CJK}][,.:;?!()]|[,:;?!(][{_CJK}]", prose), prose
    assert question.prompt.endswith("？")


def test_english_text_is_english():
    question = generated.generate("imports.body-runs", 3, "en")
    assert not re.search(f"[{_CJK}]", question.prompt + question.explanation)
    assert "/en/labs/imports/?scenario=import-twice" in question.explanation
