"""The step grammar: what parses, what is refused, and that refusals are always StepError."""

import contextlib
import keyword

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labs.imports import scenarios
from labs.imports.limits import LIMITS
from labs.imports.steps import (
    RESERVED_NAMES,
    StepError,
    parse_step,
    parse_steps,
    plan_processes,
    split_program,
)

RELOAD_RULES = scenarios.get("reload-stale").rules
TWICE_RULES = scenarios.get("import-twice").rules


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("import demo", "import"),
        ("import demo as d", "import"),
        ("import pkg.sub", "import"),
        ("from demo import greet", "from"),
        ("from demo import greet as g, C", "from"),
        ("from demo import *", "from-star"),
        ("importlib.reload(demo)", "reload"),
        ("del sys.modules['demo']", "del-module"),
        ('del sys.modules["demo"]', "del-module"),
        ("demo.counter = 5", "assign"),
        ("demo.counter = -5", "assign"),
        ("demo.name = 'hi there'", "assign"),
        ("obj = demo.C()", "assign"),
        ("old = demo", "assign"),
        ("print(greet)", "print"),
        ("print(demo.greet(), greet())", "print"),
        ("print()", "print"),
        ("print(greet is demo.greet)", "print"),
        ("print(greet is not demo.greet)", "print"),
        ("print(id(demo) == before)", "print"),
        ("print('demo' in sys.modules)", "print"),
        ("print(sys.modules['demo'] is demo)", "print"),
        ("isinstance(obj, demo.C)", "expr"),
        ("print(isinstance(obj, demo.C))", "print"),
        ("demo.greet()", "expr"),
        ("demo", "expr"),
        ("switch demo to version 2", "switch"),
        ("restart", "restart"),
        ("python main.py", "script"),
        ("  import   demo  ", "import"),
    ],
)
def test_grammar_steps_parse_to_their_kind(text, kind):
    assert parse_step(text).kind == kind


def test_a_parsed_step_is_plain_data_for_the_runner():
    step = parse_step("from demo import greet as g, C", index=3)
    assert step.index == 3
    assert step.text == "from demo import greet as g, C"
    assert step.data == {"module": "demo", "names": [["greet", "g"], ["C", "C"]]}
    assert parse_step("print(isinstance(obj, demo.C))").data == {
        "args": [
            {"op": "isinstance", "object": {"op": "ref", "path": ["obj"]}, "class": ["demo", "C"]}
        ]
    }


def test_every_scenario_accepts_its_own_default_steps():
    for scenario in scenarios.SCENARIOS.values():
        steps = scenario.parse(scenario.default_steps)
        assert [step.text for step in steps] == list(scenario.default_steps)


HOSTILE = [
    "__import__('os').system('id')",
    "import os; os.remove('x')",
    "import os",
    "import subprocess",
    "exec('print(1)')",
    "eval('1+1')",
    "importlib.import_module('os')",
    "demo.__class__",
    "greet.__globals__",
    "print(demo.__dict__)",
    "print(demo.__builtins__)",
    "__builtins__",
    "import ｏｓ",  # full-width letters: NFKC would make this `import os`
    "import dem\u043e",  # Cyrillic o
    "import demo\u200b",  # zero-width space
    "print('\u202eevil')",  # right-to-left override inside a string
    "print('\x00')",
    "import demo\nimport os",
    "from . import demo",
    "import demo, os",
    "demo.x = print",
    "demo.x = demo.x",
    "sys.modules['os']",
    "print(sys.modules['posix'])",
    "import sys as s",
    "from sys import modules",
    "print = 5",
    "from demo import x as sys",
    "x = 1234567890123",
    "x = '" + "a" * (LIMITS.max_string_literal + 1) + "'",
    "x = 'unterminated",
    "x = 'back\\slash'",
    "lambda: 0",
    "x = demo.x(1)",
    "switch demo to version 2",  # import-twice has one version of demo
    "python main.py",  # and no scripts
    "del sys.modules['sys']",
    "a" * 10_000,
    "import " + "m" * (LIMITS.max_name_length + 1),
    "import " + ".".join(["demo"] * 60),
    "print(" + "id(" * 80 + "x" + ")" * 81,
    "",
    "   ",
    "restart now",
    "import",
    "from demo import",
    "from demo import (x)",
    "print(x for x in y)",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_or_foreign_steps_are_refused_naming_the_step(text):
    with pytest.raises(StepError) as caught:
        parse_steps(["import demo", text], TWICE_RULES)
    assert caught.value.index == 2
    assert str(caught.value).startswith("step 2 `")


def test_an_unknown_module_is_refused_with_the_modules_on_offer():
    with pytest.raises(StepError, match=r"module 'os' is not available here \(try: demo"):
        parse_steps(["import os"], TWICE_RULES)


def test_ten_thousand_steps_are_refused_before_any_is_parsed():
    with pytest.raises(StepError, match=f"at most {LIMITS.max_steps} steps") as caught:
        parse_steps(["import demo"] * 10_000, TWICE_RULES)
    assert caught.value.index is None


def test_the_step_count_limit_is_exact():
    parse_steps(["import demo"] * LIMITS.max_steps, TWICE_RULES)
    with pytest.raises(StepError):
        parse_steps(["import demo"] * (LIMITS.max_steps + 1), TWICE_RULES)


def test_a_long_step_message_is_shortened():
    with pytest.raises(StepError) as caught:
        parse_step("a" * 10_000)
    assert len(str(caught.value)) < 200


def test_switch_is_bounded_by_the_module_versions():
    parse_steps(["switch demo to version 2", "switch demo to version 1"], RELOAD_RULES)
    with pytest.raises(StepError, match="versions 1 to 2"):
        parse_steps(["switch demo to version 3"], RELOAD_RULES)
    with pytest.raises(StepError, match="only one version"):
        parse_steps(["switch helper to version 2"], RELOAD_RULES)


def test_step_kinds_outside_the_scenario_are_refused():
    rules = scenarios.get("importtime").rules
    with pytest.raises(StepError, match="no `print` steps"):
        parse_steps(["import json", "print(json)"], rules)


def test_interpreters_per_run_are_limited():
    rules = scenarios.get("pycache").rules
    steps = parse_steps(["import demo", "restart", "import demo", "python main.py"], rules)
    assert [len(group) for group in plan_processes(steps)] == [1, 2, 1]
    with pytest.raises(StepError, match="at most 3 interpreters"):
        parse_steps(["import demo", "restart", "restart", "restart"], rules)


def test_a_script_step_must_be_followed_by_restart():
    rules = scenarios.get("pycache").rules
    parse_steps(["python main.py", "restart", "import demo"], rules)
    with pytest.raises(StepError, match="start a new interpreter with `restart`") as caught:
        parse_steps(["python main.py", "import demo"], rules)
    assert caught.value.index == 2


def test_split_program_drops_prompts_comments_and_blank_lines():
    text = ">>> import demo\n\n# a comment\n   print(demo.x)  \r\n>>>\n"
    assert split_program(text) == ["import demo", "print(demo.x)"]


def test_split_program_refuses_a_huge_text():
    with pytest.raises(StepError, match="too long"):
        split_program("import demo\n" * 10_000)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=LIMITS.max_step_length + 20))
def test_any_text_parses_or_raises_step_error(text):
    with contextlib.suppress(StepError):
        parse_step(text)


_WORDS = [
    "import", "from", "demo", "pkg", "sub", "as", "x", "greet", "C", "(", ")", ".", "=", ",",
    "'demo'", '"demo"', "sys", "modules", "[", "]", "print", "isinstance", "id", "is", "not",
    "==", "!=", "5", "-", "importlib", "reload", "switch", "to", "version", "2", "restart",
    "python", "main", "py", "*", "del", "in", "__all__", "_x", "'a b'",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=14), st.sampled_from([" ", ""]))
def test_grammar_like_token_soup_parses_or_raises_step_error(words, separator):
    text = separator.join(words)
    try:
        step = parse_step(text)
    except StepError:
        return
    assert step.text == text.strip()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=60))
def test_any_step_list_validates_or_raises_step_error(lines):
    with contextlib.suppress(StepError):
        parse_steps(lines, RELOAD_RULES)


_names = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=9)
    .filter(lambda name: not name[0].isdigit() and not name.startswith("__"))
    .filter(lambda name: name not in RESERVED_NAMES and not keyword.iskeyword(name))
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_names, _names), min_size=1, max_size=LIMITS.max_from_names))
def test_generated_from_imports_round_trip_their_names(pairs):
    text = "from demo import " + ", ".join(f"{name} as {alias}" for name, alias in pairs)
    step = parse_steps([text], RELOAD_RULES)[0]
    assert step.data["names"] == [[name, alias] for name, alias in pairs]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=-(10**9) + 1, max_value=10**9 - 1)
    | st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=126, exclude_characters="'\\"),
        max_size=LIMITS.max_string_literal,
    )
)
def test_literals_reach_the_runner_unchanged(value):
    text = f"demo.value = {value!r}" if isinstance(value, int) else f"demo.value = '{value}'"
    step = parse_steps([text], RELOAD_RULES)[0]
    assert step.data["value"] == {"op": "literal", "value": value}
