import random
import re
import secrets

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labs.rng import limits
from labs.rng.attacks import (
    JAVA_RANDOM,
    STREAM_ATTACKS,
    AttackResult,
    TruncatedLcg,
    attack_generator,
    check_lcg_guess,
    clone_mt19937,
    crack_time_seeded_token,
    demonstrate_csprng_resists,
    demonstrate_csprng_token_resists,
    java_random_outputs,
    lcg_game,
    make_time_seeded_token,
    make_time_seeded_tokens,
    recover_lcg_known_modulus,
    recover_lcg_unknown_modulus,
    recover_truncated_lcg,
)
from labs.rng.generators import make_generator

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def lcg_outputs(a, c, m, x, n):
    outputs = []
    for _ in range(n):
        x = (a * x + c) % m
        outputs.append(x)
    return outputs


def test_three_outputs_predict_the_next_five_for_every_one_of_1000_full_period_lcgs():
    rng = random.Random(2024)
    for _ in range(1000):
        a, c = 4 * rng.randrange(2**30) + 1, 2 * rng.randrange(2**31) + 1
        outputs = lcg_outputs(a, c, 2**32, rng.randrange(2**32), 8)
        result = recover_lcg_known_modulus(outputs[:3], 2**32, predict=5)
        assert result.success
        assert list(result.predicted) == outputs[3:]
        assert (result.secret["a"], result.secret["c"]) == (a, c)


def test_gcd_attack_recovers_modulus_and_predicts_from_10_outputs_in_at_least_98_percent():
    rng = random.Random(7)
    hits = 0
    for _ in range(1000):
        m = rng.randrange(2**16, 2**32 + 1)
        a, c = rng.randrange(2, m), rng.randrange(m)
        outputs = lcg_outputs(a, c, m, rng.randrange(m), 15)
        result = recover_lcg_unknown_modulus(outputs[:10], predict=5)
        hits += result.success and list(result.predicted) == outputs[10:]
    assert hits >= 980


def test_gcd_attack_recovers_the_minstd_modulus():
    outputs = [int(v) for v in make_generator("minstd", 12345).take(10)]
    result = recover_lcg_unknown_modulus(outputs)
    assert result.success and result.secret["m"] == 2**31 - 1 and result.secret["a"] == 48271


def test_outputs_that_contradict_an_lcg_are_reported_as_inconsistent():
    result = recover_lcg_known_modulus([1, 2, 4, 9], 2**32)
    assert not result.success
    assert "not consecutive outputs" in result.message
    assert result.steps[-1].key == "lcg.inconsistent"


def test_gcd_attack_explains_why_an_arithmetic_progression_reveals_no_modulus():
    result = recover_lcg_unknown_modulus([3, 10, 17, 24, 31, 38, 45])
    assert not result.success
    assert result.steps[-1].key == "gcd.zero"


def brute_force_predictions(outputs, m, count):
    """Next outputs of every (a, c) modulo m that reproduces ``outputs``."""
    futures = set()
    for a in range(m):
        for c in range(m):
            if all((a * x + c) % m == y for x, y in zip(outputs, outputs[1:])):
                futures.add(tuple(lcg_outputs(a, c, m, outputs[-1], count)))
    return futures


@settings(max_examples=120, deadline=None)
@given(
    m=st.integers(2, 48),
    a=st.integers(0, 47),
    c=st.integers(0, 47),
    seed=st.integers(0, 47),
    shown=st.integers(3, 6),
)
def test_three_consistent_outputs_fix_the_future_even_when_a_and_c_are_not_unique(
    m, a, c, seed, shown
):
    outputs = lcg_outputs(a % m, c % m, m, seed % m, shown)
    result = recover_lcg_known_modulus(outputs, m, predict=4)
    # Even when a and c are not unique, every (a, c) that fits predicts the same future.
    assert result.success
    assert brute_force_predictions(outputs, m, 4) == {result.predicted}
    assert result.secret["m"] // result.secret["a_modulus"] == len(
        {
            a
            for a in range(m)
            if all(
                (a * (y - x)) % m == (z - y) % m
                for x, y, z in zip(outputs, outputs[1:], outputs[2:])
            )
        }
    )


@settings(max_examples=100, deadline=None)
@given(m=st.integers(2, 40), data=st.data())
def test_known_modulus_attack_calls_outputs_inconsistent_only_when_no_lcg_fits(m, data):
    outputs = data.draw(st.lists(st.integers(0, m - 1), min_size=3, max_size=5))
    result = recover_lcg_known_modulus(outputs, m, predict=2)
    fits = brute_force_predictions(outputs, m, 2)
    assert (result.steps[-1].key == "lcg.inconsistent") == (not fits)


def test_mt_clone_from_624_outputs_of_python_random_predicts_its_next_1000_outputs():
    victim = random.Random(31337)
    observed = [victim.getrandbits(32) for _ in range(624)]
    result = clone_mt19937(observed, predict=1000)
    assert result.success
    assert list(result.predicted) == [victim.getrandbits(32) for _ in range(1000)]


def test_mt_clone_works_from_any_offset_and_its_state_loads_into_python_random():
    victim = random.Random(99)
    victim.random()  # consumes two words: the window is not aligned with a twist
    observed = [victim.getrandbits(32) for _ in range(700)]
    result = clone_mt19937(observed, predict=3)
    assert result.success and result.steps[2].key == "mt.verified"
    follower = random.Random()
    follower.setstate((3, (*result.secret["state"], 624), None))
    follower.getrandbits(32 * 76)  # skip the 76 outputs used as a check
    assert [follower.random() for _ in range(5)] == [victim.random() for _ in range(5)]


def test_mt_clone_notices_outputs_that_do_not_come_from_mt19937():
    result = clone_mt19937([secrets.randbits(32) for _ in range(630)])
    assert not result.success and result.steps[-1].key == "mt.mismatch"


def test_time_seeded_token_recipe_is_random_seed_then_getrandbits_128_in_hex():
    seed = 1_700_000_000
    random.seed(seed)
    expected = f"{random.getrandbits(128):032x}"
    assert make_time_seeded_token(seed) == expected
    assert re.fullmatch(r"[0-9a-f]{32}", expected)
    assert make_time_seeded_tokens(seed, 3)[0] == expected


def test_time_seeded_token_seed_is_found_in_a_one_day_window_and_later_tokens_predicted():
    seed = 1_700_000_000 + 30_000
    first, *later = make_time_seeded_tokens(seed, 4)
    result = crack_time_seeded_token(first, 1_700_000_000, 1_700_086_399, predict=3)
    assert result.success and result.secret["seed"] == seed
    assert [f"{value:032x}" for value in result.predicted] == later


def test_a_token_from_secrets_is_not_found_by_the_time_seed_search():
    result = demonstrate_csprng_token_resists(1_700_000_000, 1_700_000_999)
    assert not result.success and result.secret["tried"] == 1000


def test_the_time_window_may_reach_the_last_representable_second():
    end = limits.TIME_SEED_MAX
    result = crack_time_seeded_token("0" * 32, end - 9, end, language="zh-hans")
    assert not result.success and "9999-12-31 23:59:59" in result.steps[1].text


def test_a_time_window_wider_than_a_day_is_rejected():
    with pytest.raises(ValueError, match="at most 86400"):
        crack_time_seeded_token("0" * 32, 0, limits.MAX_TIME_WINDOW)


def test_java_random_outputs_match_the_jdk_for_seed_42():
    signed = [v - 2**32 if v >= 2**31 else v for v in java_random_outputs(42, 4)]
    assert signed == [-1170105035, 234785527, -1360544799, 205897768]


def test_two_java_random_outputs_reveal_its_whole_state():
    outputs = java_random_outputs(20240601, 7)
    result = recover_truncated_lcg(outputs[:2], JAVA_RANDOM, predict=5)
    assert result.success and list(result.predicted) == outputs[2:]


def test_truncated_lcg_attack_asks_for_more_outputs_when_several_states_fit():
    params = TruncatedLcg(a=1664525, c=12345, state_bits=24, output_bits=8)
    state, outputs = 99, []
    for _ in range(2):
        state = (params.a * state + params.c) % 2**24
        outputs.append(state >> 16)
    result = recover_truncated_lcg(outputs, params)
    assert not result.success and result.steps[-1].key == "trunc.ambiguous"


@pytest.mark.parametrize("attack", STREAM_ATTACKS)
def test_every_stream_attack_fails_against_the_os_csprng(attack):
    trial = demonstrate_csprng_resists(attack, predict=20)
    assert trial.total == 20
    assert trial.matched == 0  # a chance match has probability 20 / 2**32


@pytest.mark.parametrize(
    ("generator", "attack"),
    [
        ("lcg", "lcg-known-modulus"),
        ("randu", "lcg-known-modulus"),
        ("minstd", "lcg-known-modulus"),
        ("lcg", "lcg-unknown-modulus"),
        ("minstd", "lcg-unknown-modulus"),
        ("mt19937", "mt19937-clone"),
    ],
)
def test_the_same_attacks_predict_every_output_of_the_generator_they_target(generator, attack):
    trial = attack_generator(make_generator(generator, 12345), attack, predict=20)
    assert trial.matched == trial.total == 20


def test_the_game_is_a_pure_function_of_its_seed_and_checks_guesses():
    game = lcg_game(2**200 + 17, shown=3)
    assert game == lcg_game(2**200 + 17, shown=3)
    answer = recover_lcg_known_modulus(game.shown, 2**32, predict=1).predicted[0]
    right = check_lcg_guess(2**200 + 17, 3, answer)
    wrong = check_lcg_guess(2**200 + 17, 3, (answer + 1) % 2**32)
    assert right.correct and not wrong.correct and wrong.answer == answer
    assert right.a % 4 == 1 and right.c % 2 == 1
    assert right.steps and right.steps[0].key == "lcg.differences"


def test_steps_and_messages_come_in_chinese_when_asked():
    result = recover_lcg_known_modulus([1013904223, 1196435762, 3519870697], language="zh-hans")
    assert all(CHINESE.search(step.text) for step in result.steps)
    assert CHINESE.search(result.message)
    with pytest.raises(ValueError, match="language"):
        recover_lcg_known_modulus([1, 2, 3], language="fr")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: recover_lcg_known_modulus([1, 2]), "between 3"),
        (lambda: recover_lcg_known_modulus([1, 2, 3], m=1), "m must be"),
        (lambda: recover_lcg_known_modulus([1, 2, 2**32]), "output 2"),
        (lambda: recover_lcg_known_modulus("123"), "sequence of integers"),
        (lambda: recover_lcg_known_modulus([1, 2, 3], predict=10**6), "predict"),
        (lambda: recover_lcg_unknown_modulus([1, 2, 3, 4, 5]), "between 6"),
        (lambda: clone_mt19937([0] * 623), "between 624"),
        (lambda: crack_time_seeded_token("xyz", 0, 10), "hexadecimal"),
        (lambda: crack_time_seeded_token("g" * 32, 0, 10), "hexadecimal"),
        (lambda: crack_time_seeded_token("0" * 32, 10, 5), "window_end"),
        (lambda: recover_truncated_lcg([1, 2], TruncatedLcg(5, 1, 64, 32)), "hidden bits"),
        (lambda: attack_generator(make_generator("lcg"), "magic"), "unknown attack"),
        (lambda: lcg_game(1, shown=2), "shown"),
        (lambda: check_lcg_guess(1, 3, -1), "guess"),
    ],
)
def test_bad_attack_inputs_raise_value_error_with_a_clear_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@settings(max_examples=150, deadline=1000)
@given(
    outputs=st.lists(st.integers(-5, 2**33), max_size=40),
    m=st.integers(-5, 2**33),
    predict=st.integers(-2, 20),
)
def test_lcg_attacks_on_any_input_return_a_result_or_raise_value_error_quickly(outputs, m, predict):
    for attack in (
        lambda: recover_lcg_known_modulus(outputs, m, predict=predict),
        lambda: recover_lcg_unknown_modulus(outputs, predict=predict),
        lambda: recover_truncated_lcg(outputs[:5], TruncatedLcg(0x5DEECE66D, 11, 48, 32)),
    ):
        try:
            result = attack()
        except ValueError:
            continue
        assert isinstance(result, AttackResult)
        assert result.steps and result.message
