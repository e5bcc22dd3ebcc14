import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import labs.hashring.questions  # noqa: F401  (registers the generators)
from labs.hashring.engine import KeySet, default_node_names
from labs.hashring.ring import HashRing
from quizzes.generated import generate, names

NAMES = ("hashring.modulo-moved", "hashring.ring-moved-fraction", "hashring.owner-of-key")
LANGUAGES = ("zh-hans", "en")
CJK = r"[\u4e00-\u9fff]"


def chinese_style_problems(text: str) -> list[str]:
    """Half-width punctuation next to Chinese, or Chinese glued to Latin letters or digits."""
    prose = re.sub(r"`[^`]*`", "`code`", text)
    problems = []
    for match in re.finditer(rf"{CJK}[,.;:?!()]|[,;:?!()]{CJK}", prose):
        problems.append(f"half-width punctuation: {match.group()!r}")
    for match in re.finditer(rf"{CJK}[A-Za-z0-9`]|[A-Za-z0-9`%]{CJK}", prose):
        problems.append(f"missing space: {match.group()!r}")
    return problems


def test_the_three_generators_are_registered():
    assert set(NAMES) <= set(names())


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_same_seed_gives_the_same_question(name, language):
    assert generate(name, 1234, language) == generate(name, 1234, language)


@pytest.mark.parametrize("name", NAMES)
def test_different_seeds_give_different_questions(name):
    prompts = {generate(name, seed, "en").prompt for seed in range(30)}
    assert len(prompts) > 5


@pytest.mark.parametrize("name", NAMES)
def test_unknown_language_is_refused(name):
    with pytest.raises(ValueError):
        generate(name, 1, "fr")


@pytest.mark.parametrize("name", NAMES)
def test_chinese_text_uses_full_width_punctuation_and_spacing(name):
    for seed in range(25):
        question = generate(name, seed, "zh-hans")
        texts = [question.prompt, question.explanation]
        texts += [choice.feedback for choice in question.choices]
        for text in texts:
            assert chinese_style_problems(text) == [], text


def test_style_checker_catches_the_usual_mistakes():
    assert chinese_style_problems("节点数为10个")
    assert chinese_style_problems("哈希环,节点")
    assert chinese_style_problems("用 mmh3计算")
    assert not chinese_style_problems("用 `mmh3` 计算 10 个节点，约 9.1%。")


def n_from(prompt: str) -> int:
    return int(re.search(r"N = (\d+)", prompt).group(1))


def test_modulo_moved_answer_is_n_over_n_plus_one():
    for seed in range(40):
        question = generate("hashring.modulo-moved", seed, "en")
        n = n_from(question.prompt)
        assert question.kind == "numeric"
        assert question.answer == pytest.approx(100 * n / (n + 1))
        assert question.tolerance == pytest.approx(1.0)
        measured = float(re.search(r"measured ([\d.]+)%", question.explanation).group(1))
        assert abs(measured - question.answer) < 2


def test_ring_moved_fraction_answer_is_one_over_n_plus_one_with_proportional_tolerance():
    for seed in range(40):
        question = generate("hashring.ring-moved-fraction", seed, "en")
        n = int(re.search(r"has (\d+) nodes", question.prompt).group(1))
        assert question.answer == pytest.approx(100 / (n + 1))
        assert question.tolerance == pytest.approx(0.15 * question.answer, abs=0.01)


def test_both_languages_ask_the_same_question_for_a_seed():
    for seed in range(20):
        en = generate("hashring.modulo-moved", seed, "en")
        zh = generate("hashring.modulo-moved", seed, "zh-hans")
        assert en.answer == zh.answer
        en_owner = generate("hashring.owner-of-key", seed, "en")
        zh_owner = generate("hashring.owner-of-key", seed, "zh-hans")
        assert [c.correct for c in en_owner.choices] == [c.correct for c in zh_owner.choices]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32), language=st.sampled_from(LANGUAGES))
def test_owner_of_key_marks_the_node_the_engine_assigns(seed, language):
    question = generate("hashring.owner-of-key", seed, language)
    key = re.search(r"`(key-\d+)`", question.prompt).group(1)
    n = len(question.choices)
    vnodes = int(re.search(r"(\d+) (?:virtual node|个\s*虚拟节点)", question.prompt).group(1))
    nodes = default_node_names(n)
    ring = HashRing(nodes, hash_name="mmh3", vnodes=vnodes)
    owner = nodes[int(ring.assign(KeySet.of([key]))[0])]
    correct = [c.text for c in question.choices if c.correct]
    assert correct == [f"`{owner}`"]
    assert [c.text for c in question.choices] == [f"`{node}`" for node in nodes]
    assert all(c.feedback for c in question.choices if not c.correct)


def test_generators_only_draw_from_the_given_rng():
    rng_a, rng_b = random.Random(5), random.Random(5)
    from quizzes.generated import get

    assert get("hashring.owner-of-key")(rng_a, "en") == get("hashring.owner-of-key")(rng_b, "en")
    assert rng_a.random() == rng_b.random()
