import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import labs.rng.questions  # noqa: F401  (registers the generators)
from labs.rng.attacks import recover_lcg_known_modulus
from quizzes.generated import generate, names

NAMES = ["rng.lcg-next", "rng.randu-third"]
CODE_NUMBER = re.compile(r"`(\d+)`")
CODE_SPAN = re.compile(r"`[^`]*`")
HAN = r"[\u4e00-\u9fff]"


def test_both_rng_question_generators_are_registered():
    assert set(NAMES) <= set(names())


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_same_seed_gives_the_same_question(name, language):
    assert generate(name, 123, language) == generate(name, 123, language)
    assert generate(name, 123, language) != generate(name, 124, language)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**64))
def test_lcg_next_answer_is_uniquely_determined_by_the_three_shown_outputs(seed):
    question = generate("rng.lcg-next", seed, "en")
    shown = [int(n) for n in CODE_NUMBER.findall(question.prompt)]
    assert len(shown) == 3
    attack = recover_lcg_known_modulus(shown, 2**32, predict=1)
    assert attack.success and attack.secret["a_modulus"] == 2**32  # a and c are unique too
    assert question.kind == "numeric" and question.tolerance == 0
    assert question.answer == attack.predicted[0]


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**64))
def test_randu_third_answer_is_the_next_randu_output(seed):
    question = generate("rng.randu-third", seed, "zh-hans")
    x, y = (int(n) for n in CODE_NUMBER.findall(question.prompt))
    assert y == 65539 * x % 2**31
    z = int(question.answer)
    assert z == 65539 * y % 2**31
    assert (9 * x - 6 * y + z) % 2**31 == 0


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", range(20))
def test_chinese_text_uses_full_width_punctuation_and_spaces_around_latin(name, seed):
    question = generate(name, seed, "zh-hans")
    for text in (question.prompt, question.explanation):
        prose = CODE_SPAN.sub("`x`", text)
        assert re.search(HAN, prose)
        assert not re.search(r"[,;:?!]", prose)  # ASCII punctuation belongs in code only
        assert not re.search(rf"{HAN}[A-Za-z0-9`]|[A-Za-z0-9`]{HAN}", prose)


@pytest.mark.parametrize("name", NAMES)
def test_the_answer_appears_in_the_explanation(name):
    for language in ("zh-hans", "en"):
        question = generate(name, 5, language)
        assert str(int(question.answer)) in question.explanation


@pytest.mark.parametrize("name", NAMES)
def test_an_unknown_language_is_rejected(name):
    with pytest.raises(ValueError, match="language"):
        generate(name, 1, "fr")
