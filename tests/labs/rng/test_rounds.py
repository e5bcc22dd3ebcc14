"""The prediction game's rounds: hidden generators, the attack each round runs, the reveal."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labs.rng import limits, rounds
from labs.rng.attacks import lcg_game, lcg_game_generator

secrets_ = st.integers(0, 2**256 - 1)


@settings(max_examples=30, deadline=None)
@given(secrets_)
def test_the_game_generator_continues_what_lcg_game_shows(secret):
    shown = lcg_game(secret, 5).shown
    generator = lcg_game_generator(secret)
    assert tuple(int(v) for v in generator.take(5)) == shown
    assert generator.params.m == 2**32 and generator.params.full_period


@pytest.mark.parametrize("name", rounds.ROUND_GENERATORS)
def test_every_generator_can_be_hidden_and_replays_the_same_outputs(name):
    secret = random.Random(name).getrandbits(256)
    first = rounds.round_outputs(name, 5, secret)
    assert first == rounds.round_outputs(name, 5, secret)
    assert first != rounds.round_outputs(name, 5, secret + 1)


@settings(max_examples=20, deadline=None)
@given(secrets_, st.integers(limits.GAME_MIN_SHOWN, limits.GAME_MAX_SHOWN))
def test_the_attack_predicts_every_hidden_lcg(secret, shown):
    reveal = rounds.reveal_round("lcg", shown, secret, None)
    assert reveal.matched == limits.GAME_PREDICTIONS
    assert reveal.attack.success


def test_624_outputs_clone_a_hidden_mersenne_twister():
    reveal = rounds.reveal_round("mt19937", 624, 12345, None)
    assert reveal.attack.attack == "mt19937-clone" and reveal.matched == 10


@pytest.mark.parametrize("shown", [3, 10, 624])
def test_nothing_predicts_the_keyed_csprng(shown):
    reveal = rounds.reveal_round("csprng", shown, 2**200 + shown, None)
    assert reveal.matched == 0
    assert reveal.hidden == {}


def test_the_attack_depends_on_how_many_outputs_were_shown():
    assert rounds.round_attack(3) == "lcg-known-modulus"
    assert rounds.round_attack(9) == "lcg-known-modulus"
    assert rounds.round_attack(10) == "lcg-unknown-modulus"
    assert rounds.round_attack(624) == "mt19937-clone"


def test_a_guess_is_right_only_when_it_is_the_next_output():
    secret = 77
    answer = rounds.reveal_round("pcg32", 8, secret, None).answer
    assert rounds.reveal_round("pcg32", 8, secret, answer).guessed_right
    assert not rounds.reveal_round("pcg32", 8, secret, (answer + 1) % 2**32).guessed_right


def test_the_reveal_shows_what_was_hidden():
    hidden = rounds.hidden_parameters("lcg", 5)
    assert set(hidden) == {"a", "c", "m", "seed"} and hidden["a"] % 4 == 1 and hidden["c"] % 2 == 1
    assert set(rounds.hidden_parameters("randu", 5)) == {"seed"}
    assert rounds.hidden_parameters("randu", 5)["seed"] % 2 == 1


@pytest.mark.parametrize("shown", [2, 21, 623, 625, True, "3"])
def test_a_round_shows_3_to_20_outputs_or_624(shown):
    with pytest.raises(ValueError):
        rounds.check_shown(shown)


def test_bad_rounds_raise_value_error():
    with pytest.raises(ValueError):
        rounds.hidden_generator("lcg2", 1)
    with pytest.raises(ValueError):
        rounds.hidden_generator("lcg", -1)
    with pytest.raises(ValueError):
        rounds.reveal_round("lcg", 3, 1, 2**32)
    with pytest.raises(ValueError):
        rounds.KeyedStream(b"short")
