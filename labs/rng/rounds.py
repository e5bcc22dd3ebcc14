"""Rounds of the lab's "predict the next number" game: a hidden generator, the outputs the
learner sees, and the attack that then predicts the next ten.

A round is ``(generator name, outputs shown, secret)``. The secret is a large integer the web
layer derives from a signed round id with the server's key, so a round needs no storage and
the page never carries anything that reveals the hidden parameters before the reveal.

* ``lcg``: a, c and the seed are all hidden (:func:`attacks.lcg_game_generator`).
* ``csprng``: HMAC-SHA256 in counter mode under a 256-bit key (:class:`KeyedStream`). A round
  must replay its outputs at the reveal, which ``os.urandom`` cannot do; a keyed PRF stream is
  what a DRBG does inside, and without the key it is just as unpredictable.
* every other generator: only the seed is hidden; the algorithm is public, as in real life.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from labs.rng import limits
from labs.rng.attacks import (
    AttackResult,
    clone_mt19937,
    lcg_game_generator,
    recover_lcg_known_modulus,
    recover_lcg_unknown_modulus,
)
from labs.rng.generators import MT_N, Generator, Lcg, generator_names, make_generator

ROUND_GENERATORS: tuple[str, ...] = generator_names()
DEFAULT_SHOWN = limits.GAME_MIN_SHOWN
# The article's rule of thumb: three outputs break an LCG whose modulus is known, about ten
# when it is not.
UNKNOWN_MODULUS_FROM = 10
SECRET_BITS = 256

# Hidden seeds stay inside the range each generator accepts (RANDU: odd; MINSTD: 1..m-1;
# xorshift32: non-zero); the rest take any 64-bit seed.
_SEED_FROM_SECRET = {
    "randu": lambda s: 2 * (s % 2**30) + 1,
    "minstd": lambda s: 1 + s % (2**31 - 2),
    "xorshift32": lambda s: 1 + s % (2**32 - 1),
}


class KeyedStream(Generator):
    """32-bit outputs: the first 4 bytes of HMAC-SHA256(key, counter), counter = 0, 1, 2, ..."""

    name = "csprng"
    seedable = False

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("a keyed stream needs a key of at least 16 bytes")
        self._key = key
        self._counter = 0

    def next_u32(self) -> int:
        block = hmac.new(self._key, self._counter.to_bytes(8, "big"), hashlib.sha256).digest()
        self._counter += 1
        return int.from_bytes(block[:4], "big")

    def getstate(self) -> tuple[int, ...]:
        return (self._counter,)

    def setstate(self, state: Sequence[int]) -> None:
        if len(state) != 1:
            raise ValueError("a keyed stream's state is its counter")
        self._counter = limits.check_int("counter", state[0], 0, limits.UINT64_MAX)


def check_generator(name: object) -> str:
    if name not in ROUND_GENERATORS:
        raise ValueError(f"generator must be one of {', '.join(ROUND_GENERATORS)}, got {name!r}")
    return str(name)


def check_shown(shown: object) -> int:
    """3 to 20 outputs (the LCG attacks) or exactly 624 (the Mersenne Twister clone)."""
    if shown == limits.GAME_MT_SHOWN and not isinstance(shown, bool):
        return limits.GAME_MT_SHOWN
    return limits.check_int("shown", shown, limits.GAME_MIN_SHOWN, limits.GAME_MAX_SHOWN)


def hidden_generator(name: str, secret: int) -> Generator:
    """The generator of a round, fresh from its start."""
    name = check_generator(name)
    secret = limits.check_int("secret", secret, 0, 2**SECRET_BITS - 1)
    if name == "lcg":
        return lcg_game_generator(secret)
    if name == "csprng":
        return KeyedStream(secret.to_bytes(SECRET_BITS // 8, "big"))
    seed = _SEED_FROM_SECRET.get(name, lambda s: s % 2**64)(secret)
    return make_generator(name, seed)


def hidden_parameters(name: str, secret: int) -> dict[str, int]:
    """What the round hid, for the reveal: a, c, m and the seed of the LCG, the seed of other
    generators, nothing for the keyed stream (its key is never shown)."""
    generator = hidden_generator(name, secret)
    if name == "lcg":
        assert isinstance(generator, Lcg)
        p = generator.params
        return {"a": p.a, "c": p.c, "m": p.m, "seed": generator.getstate()[0]}
    if name == "csprng":
        return {}
    return {"seed": _SEED_FROM_SECRET.get(name, lambda s: s % 2**64)(secret)}


def round_outputs(name: str, shown: int, secret: int) -> tuple[int, ...]:
    """The outputs the learner sees."""
    shown = check_shown(shown)
    return tuple(int(v) for v in hidden_generator(name, secret).take(shown))


def round_attack(shown: int) -> str:
    """The attack the reveal runs on ``shown`` outputs."""
    shown = check_shown(shown)
    if shown == MT_N:
        return "mt19937-clone"
    if shown >= UNKNOWN_MODULUS_FROM:
        return "lcg-unknown-modulus"
    return "lcg-known-modulus"


def public_modulus(generator: Generator) -> int:
    """The modulus an attacker knows: an LCG's own, else 2**(output bits)."""
    if isinstance(generator, Lcg):
        return generator.params.m
    return 2**generator.output_bits


@dataclass(frozen=True)
class RoundReveal:
    generator: str
    shown: tuple[int, ...]
    actual: tuple[int, ...]  # the generator's real next outputs
    guess: int | None
    attack: AttackResult
    hidden: Mapping[str, int]

    @property
    def answer(self) -> int:
        return self.actual[0]

    @property
    def guessed_right(self) -> bool:
        return self.guess == self.answer

    @property
    def comparisons(self) -> tuple[tuple[int, int | None, int], ...]:
        """(position after the shown outputs, predicted or None, actual)."""
        predicted = list(self.attack.predicted) + [None] * len(self.actual)
        return tuple(
            (len(self.shown) + i + 1, predicted[i], actual) for i, actual in enumerate(self.actual)
        )

    @property
    def matched(self) -> int:
        return sum(p == a for _, p, a in self.comparisons)


def reveal_round(
    name: str, shown: int, secret: int, guess: int | None, *, language: str = "en"
) -> RoundReveal:
    """Check the guess, then run the attack on the shown outputs and compare its predictions
    with the next ``limits.GAME_PREDICTIONS`` outputs."""
    shown = check_shown(shown)
    if guess is not None:
        guess = limits.check_int("guess", guess, 0, limits.UINT32_MAX)
    generator = hidden_generator(name, secret)
    observed = [int(v) for v in generator.take(shown)]
    actual = tuple(int(v) for v in generator.take(limits.GAME_PREDICTIONS))
    attack = round_attack(shown)
    count = limits.GAME_PREDICTIONS
    if attack == "mt19937-clone":
        result = clone_mt19937(observed, predict=count, language=language)
    elif attack == "lcg-unknown-modulus":
        result = recover_lcg_unknown_modulus(observed, predict=count, language=language)
    else:
        m = public_modulus(generator)
        result = recover_lcg_known_modulus(observed, m, predict=count, language=language)
    return RoundReveal(
        generator=name,
        shown=tuple(observed),
        actual=actual,
        guess=guess,
        attack=result,
        hidden=hidden_parameters(name, secret),
    )
