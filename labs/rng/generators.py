"""Pseudo-random number generators for the RNG lab, each a seeded, resumable stream.

Every generator gives outputs below ``2**output_bits`` (at most 32 bits) one at a time with
``next_u32()`` or in bulk with ``take(n)`` (a numpy ``uint32`` array). Both draw from the same
stream, so any interleaving of the two gives the values ``next_u32()`` alone would give.
``getstate()``/``setstate()`` pause and resume a stream (e.g. across web requests).

The bulk paths are vectorised so that 1e6 outputs take well under 0.2 s:

* LCGs (and PCG32's underlying LCG) use jump-ahead: ``x[i+L] = A_L*x[i] + C_L (mod m)``, so a
  block of length L doubles in one numpy expression. With m <= 2**32 every product stays below
  2**64, so uint64 arithmetic is exact; with m = 2**64 wrap-around *is* the reduction.
* xorshift32 and xorshift128+ are linear over GF(2): stepping L times is a fixed matrix, so we
  compute about sqrt(n) evenly spaced starting states with that matrix and then step all of
  those "lanes" together in numpy.
* MT19937 twists its 624-word state in four numpy slices (the recurrence only looks 1 and 397
  words ahead) and tempers all outputs at once.

Use ``make_generator(name, seed, **params)`` to build one from the registry ``GENERATORS``.
"""

from __future__ import annotations

import math
import os
import random
import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from labs.rng import limits

MASK32 = 0xFFFFFFFF
MASK64 = (1 << 64) - 1

# Below this many outputs the vectorised set-up costs more than a plain Python loop.
_SCALAR_BELOW = 256


class Generator(ABC):
    """A stream of integers below ``2**output_bits``."""

    name: str = ""
    seedable: bool = True
    output_bits: int = 32

    @abstractmethod
    def next_u32(self) -> int:
        """The next output (an int below ``2**output_bits``)."""

    def take(self, n: int) -> np.ndarray:
        """The next ``n`` outputs as a uint32 array (at most ``limits.MAX_OUTPUTS``)."""
        count = limits.check_count(n)
        if count < _SCALAR_BELOW:
            return self._take_scalar(count)
        return self._take_bulk(count)

    def _take_scalar(self, n: int) -> np.ndarray:
        return np.fromiter((self.next_u32() for _ in range(n)), dtype=np.uint32, count=n)

    def _take_bulk(self, n: int) -> np.ndarray:
        return self._take_scalar(n)

    @abstractmethod
    def getstate(self) -> tuple[int, ...]:
        """Everything needed to resume the stream with ``setstate``."""

    @abstractmethod
    def setstate(self, state: Sequence[int]) -> None:
        """Resume from a state returned by ``getstate`` (ValueError when it is not valid)."""


def lcg_jump(a: int, c: int, m: int, steps: int) -> tuple[int, int]:
    """(A, C) such that ``steps`` LCG steps from x give ``(A*x + C) mod m``.

    Square-and-multiply on affine maps (Brown, 1994): O(log steps) multiplications, and no
    division by a - 1, which is not invertible mod a power of two.
    """
    total_a, total_c = 1, 0
    step_a, step_c = a % m, c % m
    while steps:
        if steps & 1:
            total_a, total_c = total_a * step_a % m, (total_c * step_a + step_c) % m
        step_c = (step_a + 1) * step_c % m
        step_a = step_a * step_a % m
        steps >>= 1
    return total_a, total_c


def _lcg_sequence(first: int, a: int, c: int, m: int, n: int) -> np.ndarray:
    """[x0, x1, ..., x(n-1)] with x0 = first and x(i+1) = (a*x(i) + c) mod m, as uint64.

    Doubling: once x0..x(L-1) are known, x(L+i) = (A_L*x(i) + C_L) mod m for the whole block.
    Exact for m <= 2**32 (products stay below 2**64) and for m = 2**64 (wrap-around).
    """
    out = np.empty(n, dtype=np.uint64)
    out[0] = first
    jump_a, jump_c = a % m, c % m
    length = 1
    while length < n:
        width = min(length, n - length)
        block = out[:width] * np.uint64(jump_a) + np.uint64(jump_c)
        if m < 2**64:
            block %= np.uint64(m)
        out[length : length + width] = block
        jump_c = (jump_a + 1) * jump_c % m
        jump_a = jump_a * jump_a % m
        length += width
    return out


# --------------------------------------------------------------------------------------------
# Linear congruential generators


@dataclass(frozen=True)
class LcgParams:
    """x' = (a*x + c) mod m, with 2 <= m <= 2**32 so outputs fit in 32 bits."""

    a: int
    c: int
    m: int

    def __post_init__(self) -> None:
        m = limits.check_int("m", self.m, limits.LCG_MIN_MODULUS, limits.LCG_MAX_MODULUS)
        limits.check_int("a", self.a, 1, m - 1)
        limits.check_int("c", self.c, 0, m - 1)

    @property
    def output_bits(self) -> int:
        return (self.m - 1).bit_length()

    @property
    def full_period(self) -> bool:
        """Hull–Dobell: period m iff gcd(c, m) = 1, a-1 divisible by every prime factor of m,
        and by 4 when 4 divides m."""
        if self.c == 0 or math.gcd(self.c, self.m) != 1:
            return False
        factors = _prime_factors(self.m)
        if any((self.a - 1) % p for p in factors):
            return False
        return not (self.m % 4 == 0 and (self.a - 1) % 4)

    def check_seed(self, seed: object) -> int:
        value = limits.check_int("seed", seed, 0, self.m - 1)
        if self.c == 0 and value == 0:
            raise ValueError("seed must not be 0 when c = 0: 0 would repeat forever")
        if self.c == 0 and self.m & (self.m - 1) == 0 and value % 2 == 0:
            raise ValueError(
                "seed must be odd when c = 0 and m is a power of two (RANDU-style): "
                "an even seed shortens the period"
            )
        return value


def _prime_factors(n: int) -> list[int]:
    factors, p = [], 2
    while p * p <= n:
        if n % p == 0:
            factors.append(p)
            while n % p == 0:
                n //= p
        p += 1 if p == 2 else 2
    if n > 1:
        factors.append(n)
    return factors


LCG_PRESETS: dict[str, LcgParams] = {
    "numerical-recipes": LcgParams(a=1664525, c=1013904223, m=2**32),
    "randu": LcgParams(a=65539, c=0, m=2**31),
    # C++ std::minstd_rand (Park, Miller & Stockmeyer 1993); minstd0 is std::minstd_rand0 (1988).
    "minstd": LcgParams(a=48271, c=0, m=2**31 - 1),
    "minstd0": LcgParams(a=16807, c=0, m=2**31 - 1),
}


class Lcg(Generator):
    """Linear congruential generator. Each output is the new state (seed 0 with the Numerical
    Recipes constants gives 1013904223 first), so outputs are below m."""

    def __init__(self, seed: int, params: LcgParams, name: str = "lcg") -> None:
        self.params = params
        self.name = name
        self.output_bits = params.output_bits
        self._x = params.check_seed(seed)

    def next_u32(self) -> int:
        p = self.params
        self._x = (p.a * self._x + p.c) % p.m
        return self._x

    def _take_bulk(self, n: int) -> np.ndarray:
        p = self.params
        first = (p.a * self._x + p.c) % p.m
        out = _lcg_sequence(first, p.a, p.c, p.m, n)
        self._x = int(out[-1])
        return out.astype(np.uint32)

    def getstate(self) -> tuple[int, ...]:
        return (self._x,)

    def setstate(self, state: Sequence[int]) -> None:
        if len(state) != 1:
            raise ValueError("an LCG state is one integer")
        self._x = limits.check_int("state", state[0], 0, self.params.m - 1)


# --------------------------------------------------------------------------------------------
# GF(2)-linear generators: xorshift32 and xorshift128+


class _Gf2Map:
    """A linear map on ``width``-bit vectors over GF(2), kept as the images of the unit vectors.

    Applying it uses one 256-entry table per input byte, so a 128-bit vector costs 16 lookups.
    """

    __slots__ = ("width", "columns", "_tables")

    def __init__(self, width: int, columns: tuple[int, ...]) -> None:
        self.width = width
        self.columns = columns
        self._tables: list[list[int]] | None = None

    @classmethod
    def of(cls, width: int, step: Callable[[int], int]) -> _Gf2Map:
        return cls(width, tuple(step(1 << i) for i in range(width)))

    def _byte_tables(self) -> list[list[int]]:
        if self._tables is None:
            tables = []
            for base in range(0, self.width, 8):
                columns = self.columns[base : base + 8]
                table = [0] * 256
                for byte in range(1, 256):
                    lowest = byte & -byte
                    table[byte] = table[byte ^ lowest] ^ columns[lowest.bit_length() - 1]
                tables.append(table)
            self._tables = tables
        return self._tables

    def __call__(self, vector: int) -> int:
        result = 0
        for table in self._byte_tables():
            result ^= table[vector & 0xFF]
            vector >>= 8
        return result

    def squared(self) -> _Gf2Map:
        return _Gf2Map(self.width, tuple(self(column) for column in self.columns))


def _lane_shape(n: int) -> tuple[int, int, int]:
    """(lanes, steps per lane, log2 of steps): about sqrt(n) lanes of a power-of-two length."""
    log_steps = max(0, math.ceil(math.log2(n) / 2))
    steps = 1 << log_steps
    return -(-n // steps), steps, log_steps


def _lane_starts(state: int, jump: _Gf2Map, lanes: int) -> list[int]:
    starts = [state]
    for _ in range(lanes - 1):
        starts.append(jump(starts[-1]))
    return starts


def _xorshift32_step(x: int) -> int:
    x ^= (x << 13) & MASK32
    x ^= x >> 17
    x ^= (x << 5) & MASK32
    return x


@lru_cache(maxsize=16)
def _xorshift32_jump(log_steps: int) -> _Gf2Map:
    if log_steps == 0:
        return _Gf2Map.of(32, _xorshift32_step)
    return _xorshift32_jump(log_steps - 1).squared()


class Xorshift32(Generator):
    """Marsaglia's xorshift32 with shifts (13, 17, 5). The output is the new state; the state
    must not be 0 (0 maps to 0)."""

    name = "xorshift32"

    def __init__(self, seed: int) -> None:
        self._x = limits.check_seed(seed, high=MASK32, low=1)

    def next_u32(self) -> int:
        self._x = _xorshift32_step(self._x)
        return self._x

    def _take_bulk(self, n: int) -> np.ndarray:
        lanes, steps, log_steps = _lane_shape(n)
        x = np.array(_lane_starts(self._x, _xorshift32_jump(log_steps), lanes), dtype=np.uint32)
        rows = np.empty((steps, lanes), dtype=np.uint32)
        for i in range(steps):
            x ^= x << 13
            x ^= x >> 17
            x ^= x << 5
            rows[i] = x
        out = np.ascontiguousarray(rows.T).reshape(-1)[:n]
        self._x = int(out[-1])
        return out

    def getstate(self) -> tuple[int, ...]:
        return (self._x,)

    def setstate(self, state: Sequence[int]) -> None:
        if len(state) != 1:
            raise ValueError("an xorshift32 state is one integer")
        self._x = limits.check_int("state", state[0], 1, MASK32)


def splitmix64(x: int) -> tuple[int, int]:
    """One SplitMix64 step: (next counter, output). Vigna recommends it to seed xorshift."""
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return x, z ^ (z >> 31)


def _xorshift128p_step(s0: int, s1: int) -> tuple[int, int]:
    # Vigna's original xorshift128+ (23, 17, 26), the variant V8 adopted for Math.random in 2015.
    x, y = s0, s1
    x ^= (x << 23) & MASK64
    return y, x ^ y ^ (x >> 17) ^ (y >> 26)


def _xorshift128p_step_packed(v: int) -> int:
    s0, s1 = _xorshift128p_step(v & MASK64, v >> 64)
    return s0 | (s1 << 64)


@lru_cache(maxsize=16)
def _xorshift128p_jump(log_steps: int) -> _Gf2Map:
    if log_steps == 0:
        return _Gf2Map.of(128, _xorshift128p_step_packed)
    return _xorshift128p_jump(log_steps - 1).squared()


class Xorshift128Plus(Generator):
    """xorshift128+ with shifts (23, 17, 26); 64-bit output is s0 + s1 (mod 2**64) of the new
    state.

    32-bit outputs: ``next_u32()`` returns the **high 32 bits** of one 64-bit output (one 64-bit
    output per 32-bit value; ``next_u64()`` gives the whole value). We do not split a 64-bit
    output into two halves because the low bits are the weak ones: bit 0 of the sum is a plain
    LFSR. The seed is expanded into the 128-bit state with two SplitMix64 outputs.
    """

    name = "xorshift128p"

    def __init__(self, seed: int) -> None:
        counter = limits.check_seed(seed)
        counter, s0 = splitmix64(counter)
        _, s1 = splitmix64(counter)
        self._s0, self._s1 = s0, s1  # never both 0: SplitMix64's output map is a bijection

    def next_u64(self) -> int:
        self._s0, self._s1 = _xorshift128p_step(self._s0, self._s1)
        return (self._s0 + self._s1) & MASK64

    def next_u32(self) -> int:
        return self.next_u64() >> 32

    def _take_bulk(self, n: int) -> np.ndarray:
        lanes, steps, log_steps = _lane_shape(n)
        starts = _lane_starts(self._s0 | (self._s1 << 64), _xorshift128p_jump(log_steps), lanes)
        s0 = np.array([v & MASK64 for v in starts], dtype=np.uint64)
        s1 = np.array([v >> 64 for v in starts], dtype=np.uint64)
        rows = np.empty((steps, lanes), dtype=np.uint32)
        last_step = n - (lanes - 1) * steps - 1  # where the last lane reaches output n
        end_state = (0, 0)
        for i in range(steps):
            x = s0 ^ (s0 << 23)
            s0, s1 = s1, x ^ s1 ^ (x >> 17) ^ (s1 >> 26)
            rows[i] = (s0 + s1) >> 32
            if i == last_step:
                end_state = (int(s0[-1]), int(s1[-1]))
        self._s0, self._s1 = end_state
        return np.ascontiguousarray(rows.T).reshape(-1)[:n]

    def getstate(self) -> tuple[int, ...]:
        return (self._s0, self._s1)

    def setstate(self, state: Sequence[int]) -> None:
        if len(state) != 2:
            raise ValueError("an xorshift128+ state is two 64-bit integers")
        s0 = limits.check_int("state[0]", state[0], 0, MASK64)
        s1 = limits.check_int("state[1]", state[1], 0, MASK64)
        if s0 == s1 == 0:
            raise ValueError("an xorshift128+ state must not be all zeros")
        self._s0, self._s1 = s0, s1


# --------------------------------------------------------------------------------------------
# Mersenne Twister MT19937

MT_N, MT_M = 624, 397
_MT_MATRIX_A = 0x9908B0DF
_MT_UPPER, _MT_LOWER = 0x80000000, 0x7FFFFFFF


def _mt_twist(mt: np.ndarray) -> None:
    """Regenerate all 624 words in place. Word i needs words i+1 and i+397 (mod 624), where the
    wrapped ones are already new; four slices keep every read on the right generation."""
    for lo, hi in ((0, 227), (227, 454), (454, 623)):
        y = (mt[lo:hi] & _MT_UPPER) | (mt[lo + 1 : hi + 1] & _MT_LOWER)
        source = mt[lo + MT_M : hi + MT_M] if hi + MT_M <= MT_N else mt[lo - 227 : hi - 227]
        mt[lo:hi] = source ^ (y >> 1) ^ ((y & 1) * np.uint32(_MT_MATRIX_A))
    y = (int(mt[623]) & _MT_UPPER) | (int(mt[0]) & _MT_LOWER)
    mt[623] = int(mt[396]) ^ (y >> 1) ^ (_MT_MATRIX_A if y & 1 else 0)


def mt_temper(y: int) -> int:
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C5680
    y ^= (y << 15) & 0xEFC60000
    return y ^ (y >> 18)


def _mt_temper_array(y: np.ndarray) -> np.ndarray:
    y = y ^ (y >> 11)
    y ^= (y << 7) & np.uint32(0x9D2C5680)
    y ^= (y << 15) & np.uint32(0xEFC60000)
    return y ^ (y >> 18)


def mt_untemper_array(outputs: np.ndarray) -> np.ndarray:
    """Invert the tempering of MT19937 outputs (uint32 array): each step is a bijection.

    ``y ^= (y << s) & mask`` is undone by re-applying it until the shift covers 32 bits
    (each round fixes s more low bits); likewise for right shifts from the top.
    """
    y = outputs.astype(np.uint32)
    y = y ^ (y >> 18)
    y = y ^ ((y << 15) & np.uint32(0xEFC60000))
    original = y
    for _ in range(4):
        y = original ^ ((y << 7) & np.uint32(0x9D2C5680))
    original = y
    for _ in range(2):
        y = original ^ (y >> 11)
    return y


def _mt_init_genrand(seed: int) -> list[int]:
    mt = [seed & MASK32]
    for i in range(1, MT_N):
        previous = mt[-1]
        mt.append((1812433253 * (previous ^ (previous >> 30)) + i) & MASK32)
    return mt


def _mt_init_by_array(key: Sequence[int]) -> list[int]:
    """The reference init_by_array, which CPython's ``random.seed(int)`` uses."""
    mt = _mt_init_genrand(19650218)
    i, j = 1, 0
    for _ in range(max(MT_N, len(key))):
        previous = mt[i - 1]
        mt[i] = ((mt[i] ^ ((previous ^ (previous >> 30)) * 1664525)) + key[j] + j) & MASK32
        i, j = i + 1, j + 1
        if i >= MT_N:
            mt[0], i = mt[MT_N - 1], 1
        if j >= len(key):
            j = 0
    for _ in range(MT_N - 1):
        previous = mt[i - 1]
        mt[i] = ((mt[i] ^ ((previous ^ (previous >> 30)) * 1566083941)) - i) & MASK32
        i += 1
        if i >= MT_N:
            mt[0], i = mt[MT_N - 1], 1
    mt[0] = 0x80000000
    return mt


def python_seed_key(seed: int) -> list[int]:
    """The 32-bit words CPython feeds init_by_array for ``random.seed(seed)``: |seed| split
    into little-endian words, [0] for 0."""
    n = abs(seed)
    key = []
    while n:
        key.append(n & MASK32)
        n >>= 32
    return key or [0]


class MT19937(Generator):
    """The 32-bit Mersenne Twister (Matsumoto & Nishimura 1998).

    ``seeding="python"`` (default) seeds like ``random.Random(seed)`` (init_by_array), so
    ``next_u32()`` equals ``random.Random(seed).getrandbits(32)``; ``seeding="cpp"`` seeds like
    C++ ``std::mt19937(seed)`` (init_genrand): seed 5489 gives 3499211612 first.
    """

    name = "mt19937"

    def __init__(self, seed: int, seeding: str = "python") -> None:
        if seeding == "python":
            words = _mt_init_by_array(python_seed_key(limits.check_seed(seed)))
        elif seeding == "cpp":
            words = _mt_init_genrand(limits.check_seed(seed, high=MASK32))
        else:
            raise ValueError(f"seeding must be 'python' or 'cpp', got {seeding!r}")
        self._mt = np.array(words, dtype=np.uint32)
        self._index = MT_N

    @classmethod
    def from_state(cls, words: Sequence[int], index: int = MT_N) -> MT19937:
        clone = cls(0, seeding="cpp")
        clone.setstate((*words, index))
        return clone

    def next_u32(self) -> int:
        if self._index >= MT_N:
            _mt_twist(self._mt)
            self._index = 0
        y = int(self._mt[self._index])
        self._index += 1
        return mt_temper(y)

    def _take_bulk(self, n: int) -> np.ndarray:
        raw = np.empty(n, dtype=np.uint32)
        filled = 0
        while filled < n:
            if self._index >= MT_N:
                _mt_twist(self._mt)
                self._index = 0
            count = min(MT_N - self._index, n - filled)
            raw[filled : filled + count] = self._mt[self._index : self._index + count]
            self._index += count
            filled += count
        return _mt_temper_array(raw)

    def getstate(self) -> tuple[int, ...]:
        """624 words then the index: the middle item of ``random.Random.getstate()``."""
        return (*(int(w) for w in self._mt), self._index)

    def setstate(self, state: Sequence[int]) -> None:
        if len(state) != MT_N + 1:
            raise ValueError(f"an MT19937 state is {MT_N} words and an index")
        words = [limits.check_int(f"state[{i}]", w, 0, MASK32) for i, w in enumerate(state[:-1])]
        index = limits.check_int("index", state[-1], 0, MT_N)
        self._mt = np.array(words, dtype=np.uint32)
        self._index = index

    def to_python_random(self) -> random.Random:
        """A ``random.Random`` that continues this exact stream."""
        clone = random.Random()
        clone.setstate((3, self.getstate(), None))
        return clone


# --------------------------------------------------------------------------------------------
# PCG32 (O'Neill 2014): a 64-bit LCG whose output is permuted (XSH RR 64/32)

PCG_MULTIPLIER = 6364136223846793005


class Pcg32(Generator):
    """pcg32_random_r: seed 42, sequence 54 gives 0xa15c02b7, 0x7b47f409, 0xba1d3330."""

    name = "pcg32"

    def __init__(self, seed: int, seq: int = 54) -> None:
        seed = limits.check_seed(seed)
        seq = limits.check_int("seq", seq, 0, MASK64)
        self._inc = ((seq << 1) | 1) & MASK64
        self._state = 0
        self._advance()
        self._state = (self._state + seed) & MASK64
        self._advance()

    def _advance(self) -> None:
        self._state = (self._state * PCG_MULTIPLIER + self._inc) & MASK64

    def next_u32(self) -> int:
        old = self._state
        self._advance()
        xorshifted = (((old >> 18) ^ old) >> 27) & MASK32
        rot = old >> 59
        return ((xorshifted >> rot) | (xorshifted << ((-rot) & 31))) & MASK32

    def _take_bulk(self, n: int) -> np.ndarray:
        old = _lcg_sequence(self._state, PCG_MULTIPLIER, self._inc, 2**64, n)
        self._state = (int(old[-1]) * PCG_MULTIPLIER + self._inc) & MASK64
        xorshifted = (((old >> 18) ^ old) >> 27).astype(np.uint32)  # keeps the low 32 bits
        rot = (old >> 59).astype(np.uint32)
        return (xorshifted >> rot) | (xorshifted << ((np.uint32(32) - rot) & np.uint32(31)))

    def getstate(self) -> tuple[int, ...]:
        return (self._state, self._inc)

    def setstate(self, state: Sequence[int]) -> None:
        if len(state) != 2:
            raise ValueError("a PCG32 state is (state, increment)")
        value = limits.check_int("state", state[0], 0, MASK64)
        inc = limits.check_int("increment", state[1], 0, MASK64)
        if inc % 2 == 0:
            raise ValueError("the PCG32 increment must be odd")
        self._state, self._inc = value, inc


# --------------------------------------------------------------------------------------------
# The operating system's CSPRNG


class OsCsprng(Generator):
    """``secrets`` / ``os.urandom`` (``getrandom()`` on Linux). Not seedable: there is no seed
    and no state to save; the seed given to ``make_generator`` is ignored."""

    name = "csprng"
    seedable = False

    def next_u32(self) -> int:
        return secrets.randbits(32)

    def _take_bulk(self, n: int) -> np.ndarray:
        return np.frombuffer(os.urandom(4 * n), dtype="<u4").astype(np.uint32)

    def getstate(self) -> tuple[int, ...]:
        return ()

    def setstate(self, state: Sequence[int]) -> None:
        if len(state):
            raise ValueError("the OS CSPRNG has no state that could be restored")


# --------------------------------------------------------------------------------------------
# Registry


@dataclass(frozen=True)
class GeneratorInfo:
    name: str
    title: str
    seedable: bool
    default_seed: int
    params: tuple[str, ...]  # keyword parameters besides the seed
    summary: str
    factory: Callable[..., Generator]


def _make_lcg(seed: int, preset: str | None = None, **abc: int) -> Generator:
    if preset is not None and abc:
        raise ValueError("give either an LCG preset or a, c and m, not both")
    if preset is not None:
        if preset not in LCG_PRESETS:
            raise ValueError(
                f"unknown LCG preset {preset!r}; expected one of {sorted(LCG_PRESETS)}"
            )
        return Lcg(seed, LCG_PRESETS[preset], name="lcg")
    base = LCG_PRESETS["numerical-recipes"]
    params = LcgParams(a=abc.get("a", base.a), c=abc.get("c", base.c), m=abc.get("m", base.m))
    return Lcg(seed, params, name="lcg")


GENERATORS: dict[str, GeneratorInfo] = {
    info.name: info
    for info in (
        GeneratorInfo(
            "lcg",
            "LCG (custom a, c, m; Numerical Recipes by default)",
            True,
            0,
            ("a", "c", "m", "preset"),
            "x' = (a*x + c) mod m; outputs are the states, below m <= 2**32.",
            _make_lcg,
        ),
        GeneratorInfo(
            "randu",
            "RANDU (a=65539, c=0, m=2**31)",
            True,
            1,
            (),
            "IBM's 1960s LCG; 31-bit outputs; odd seeds only; triples lie on 15 planes.",
            lambda seed: Lcg(seed, LCG_PRESETS["randu"], name="randu"),
        ),
        GeneratorInfo(
            "minstd",
            "MINSTD (a=48271, m=2**31-1, C++ minstd_rand)",
            True,
            1,
            (),
            "Park-Miller-Stockmeyer multiplicative LCG; seed in 1..2**31-2.",
            lambda seed: Lcg(seed, LCG_PRESETS["minstd"], name="minstd"),
        ),
        GeneratorInfo(
            "xorshift32",
            "xorshift32 (13, 17, 5)",
            True,
            2463534242,
            (),
            "Marsaglia 2003; state = output; nonzero seed.",
            Xorshift32,
        ),
        GeneratorInfo(
            "xorshift128p",
            "xorshift128+ (23, 17, 26)",
            True,
            0,
            (),
            "V8's Math.random since 2015; 32-bit output = high half of each 64-bit output.",
            Xorshift128Plus,
        ),
        GeneratorInfo(
            "mt19937",
            "Mersenne Twister MT19937",
            True,
            5489,
            ("seeding",),
            "Python's random; seeding='python' (random.Random(seed)) or 'cpp' (std::mt19937).",
            MT19937,
        ),
        GeneratorInfo(
            "pcg32",
            "PCG32 (XSH RR 64/32)",
            True,
            42,
            ("seq",),
            "O'Neill 2014; seq selects the stream (54 in the reference demo).",
            Pcg32,
        ),
        GeneratorInfo(
            "csprng",
            "OS CSPRNG (secrets / os.urandom)",
            False,
            0,
            (),
            "getrandom(); not seedable: the seed is ignored.",
            lambda seed: OsCsprng(),
        ),
    )
}


def generator_names() -> tuple[str, ...]:
    return tuple(GENERATORS)


def make_generator(name: str, seed: int | None = None, **params: object) -> Generator:
    """Build a registered generator; ``seed=None`` uses its default seed.

    Raises ValueError for an unknown name, an unknown parameter or an invalid value.
    """
    info = GENERATORS.get(name)
    if info is None:
        raise ValueError(f"unknown generator {name!r}; expected one of {', '.join(GENERATORS)}")
    unknown = sorted(set(params) - set(info.params))
    if unknown:
        expected = ", ".join(info.params) or "no parameters"
        raise ValueError(f"unknown parameter {unknown[0]!r} for {name}; expected {expected}")
    return info.factory(info.default_seed if seed is None else seed, **params)
