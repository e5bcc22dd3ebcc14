"""Grading of every question kind (pure: no database)."""

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from quizzes.grading import (
    AnswerKey,
    ChoiceKey,
    grade,
    grade_choices,
    normalize_output,
    normalize_text,
    parse_number,
    shuffled,
    within_tolerance,
)

SINGLE = AnswerKey("single", choices=(ChoiceKey(1, False), ChoiceKey(2, True), ChoiceKey(3, False)))
MULTIPLE = AnswerKey(
    "multiple",
    choices=(ChoiceKey(1, True), ChoiceKey(2, True), ChoiceKey(3, False), ChoiceKey(4, False)),
)


def to_full_width(text: str) -> str:
    """ASCII letters, digits and punctuation as a Chinese input method types them."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_single_choice_scores_one_for_the_right_choice_only():
    assert grade(SINGLE, [2]).points == 1 and grade(SINGLE, [2]).correct
    assert grade(SINGLE, [1]).points == 0
    assert grade(SINGLE, [1, 2]).points == 0  # a forged "both" is not an answer


def test_a_choice_the_question_does_not_have_is_refused():
    with pytest.raises(ValueError):
        grade(SINGLE, [99])


def test_multiple_choice_gives_one_kth_per_right_tick_minus_one_kth_per_wrong_tick():
    assert grade(MULTIPLE, [1, 2]).points == 1
    assert grade(MULTIPLE, [1]).points == 0.5
    assert grade(MULTIPLE, [1, 3]).points == 0
    assert grade(MULTIPLE, [1, 2, 3]).points == 0.5
    assert grade(MULTIPLE, [3, 4]).points == 0  # never below zero
    assert grade(MULTIPLE, []).points == 0
    partial = grade(MULTIPLE, [1])
    assert partial.partial and not partial.correct and partial.verdict == "partial"


@given(
    correct=st.integers(1, 6),
    wrong=st.integers(0, 6),
    data=st.data(),
)
def test_multiple_choice_points_stay_between_zero_and_one_and_ticking_all_never_wins(
    correct, wrong, data
):
    choices = [ChoiceKey(i, i < correct) for i in range(correct + wrong)]
    ticked = data.draw(st.sets(st.integers(0, correct + wrong - 1)))
    result = grade_choices("multiple", choices, ticked)
    assert 0 <= result.points <= 1
    assert result.correct == (ticked == set(range(correct)))
    everything = grade_choices("multiple", choices, range(correct + wrong))
    assert everything.points == max(0, (correct - wrong) / correct)


def test_true_false_compares_the_truth():
    key = AnswerKey("truefalse", truth=False)
    assert grade(key, False).correct
    assert not grade(key, True).correct


def test_numeric_accepts_anything_within_the_tolerance_including_its_edges():
    key = AnswerKey("numeric", number=90.9, tolerance=0.5)
    assert grade(key, 91.4).correct  # 91.4 - 90.9 is 0.5000000000000057 in floats
    assert grade(key, 90.4).correct
    assert not grade(key, 91.41).correct
    assert grade(AnswerKey("numeric", number=157, tolerance=0), 157.0).correct
    assert not grade(AnswerKey("numeric", number=157, tolerance=0), 156.0).correct


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(answer=finite, tolerance=st.floats(0, 1e6), fraction=st.floats(-1, 1))
def test_any_value_inside_the_tolerance_is_right(answer, tolerance, fraction):
    assert within_tolerance(answer, tolerance, answer + fraction * tolerance)


@given(
    answer=finite,
    tolerance=st.floats(0, 1e6),
    excess=st.floats(1e-3, 1e6),
    sign=st.sampled_from([-1, 1]),
)
def test_any_value_clearly_outside_the_tolerance_is_wrong(answer, tolerance, excess, sign):
    given_value = answer + sign * (tolerance + excess * max(1, abs(answer), tolerance))
    assume(math.isfinite(given_value))
    assert not within_tolerance(answer, tolerance, given_value)


@pytest.mark.parametrize(
    "typed, value",
    [
        ("90.9", 90.9),
        (" 90.9 ", 90.9),
        ("９０．９", 90.9),
        ("90.9%", 90.9),
        ("1,000", 1000.0),
        ("-3", -3.0),
        ("1e3", 1000.0),
        (".5", 0.5),
    ],
)
def test_numbers_are_read_as_learners_type_them(typed, value):
    assert parse_number(typed) == value


@pytest.mark.parametrize("typed", ["", "abc", "1.2.3", "nan", "inf", "1,00", "1" * 41, "12 apples"])
def test_malformed_numbers_are_refused(typed):
    with pytest.raises(ValueError):
        parse_number(typed)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_a_printed_float_parses_back_to_itself_also_in_full_width(value):
    assert parse_number(repr(value)) == value
    assert parse_number(to_full_width(repr(value))) == value


def test_short_text_ignores_case_width_and_spaces():
    key = AnswerKey("text", accepted=("sys.modules", "sys.modules 字典"))
    assert grade(key, "  SYS.Modules ").correct
    assert grade(key, "ｓｙｓ．ｍｏｄｕｌｅｓ").correct
    assert grade(key, "sys.modules   字典").correct
    assert grade(key, "sys.modules\u3000字典").correct  # ideographic space
    assert not grade(key, "sys.module").correct


ascii_words = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=12
)


@given(
    words=st.lists(ascii_words, min_size=1, max_size=4),
    spaces=st.lists(st.sampled_from([" ", "  ", "\t", "\u3000"]), min_size=4, max_size=4),
)
def test_text_normalisation_makes_case_width_and_spacing_irrelevant(words, spaces):
    canonical = " ".join(words)
    typed = to_full_width(spaces[0] + spaces[1].join(words) + spaces[2]).upper()
    assert normalize_text(typed) == normalize_text(canonical)


@given(st.text(max_size=40))
def test_text_normalisation_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert once == once.strip()


def test_output_must_match_exactly_except_line_endings_and_trailing_spaces():
    key = AnswerKey("output", expected="running demo.py\nFalse\n")
    assert grade(key, "running demo.py\r\nFalse").correct
    assert grade(key, "\nrunning demo.py  \nFalse\n\n").correct
    assert not grade(key, "running demo.py\nfalse").correct  # case matters in output
    assert not grade(key, "running demo.py\nFalse\nTrue").correct
    assert normalize_output("a\r\nb  \n") == "a\nb"


def test_an_empty_output_matches_a_program_that_prints_nothing():
    assert grade(AnswerKey("output", expected=""), "").correct


@given(st.lists(st.integers(), max_size=20), st.integers(0, 2**63))
def test_shuffling_is_a_permutation_fixed_by_the_seed(items, seed):
    order = shuffled(items, seed)
    assert sorted(order) == sorted(items)
    assert shuffled(items, seed) == order
