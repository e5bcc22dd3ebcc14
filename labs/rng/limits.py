"""The bounds of every parameter of the RNG lab, and the checks that enforce them.

This is the one place that knows them: the engine calls the ``check_*`` helpers, and the web
layer's forms read the same constants for their ``min_value``/``max_value`` and help text. Each
bound keeps one request under about a second on a 2-core machine (see ``bench/bench_rng.py``).
"""

from __future__ import annotations

from numbers import Integral

UINT32_MAX = 2**32 - 1
UINT64_MAX = 2**64 - 1

# Seeds: any non-negative integer below 2**64 (64-bit generators use all of it).
SEED_MAX = UINT64_MAX

# Outputs drawn in one call of ``Generator.take`` (1e6 takes under 0.2 s for every generator).
MAX_OUTPUTS = 1_000_000

# Custom LCG parameters: outputs must fit in 32 bits, so m <= 2**32; this also keeps every
# product a*x below 2**64, which is what lets numpy compute a whole block exactly.
LCG_MIN_MODULUS = 2
LCG_MAX_MODULUS = 2**32

# One sample for the lab page, /api/labs/rng/sample/ and /api/labs/rng/tests/: drawing 200,000
# outputs, drawing the charts and running every single test takes about 0.2 s, and the JSON
# list of values is about 2.3 MB. Bigger samples belong to the battery (streamed over SSE).
MAX_SAMPLE_OUTPUTS = 200_000
DEFAULT_SAMPLE_OUTPUTS = 10_000

# Single statistical tests: NIST SP 800-22 asks for n >= 100 bits; the upper bound is
# 1e6 outputs of 32 bits (per-bit-position tests look at every bit of every output).
MIN_TEST_BITS = 100
MAX_TEST_BITS = 32 * MAX_OUTPUTS
MIN_TEST_OUTPUTS = 100

# The battery: m sequences of n bits each, m * n bits in all.
MIN_SEQUENCES = 10
MAX_SEQUENCES = 1_000
MIN_BITS_PER_SEQUENCE = 100
MAX_BITS_PER_SEQUENCE = 1_000_000
MAX_BATTERY_BITS = 2_000_000
ALPHA_CHOICES = (0.001, 0.01, 0.05)

# Lattice test: cells per dimension (the cell count is cells ** dims).
LATTICE_DIMS = (2, 3)
LATTICE_MAX_CELLS_PER_DIM = {2: 256, 3: 64}

# Attacks.
MIN_LCG_ATTACK_OUTPUTS = 3
MIN_GCD_ATTACK_OUTPUTS = 6
MAX_ATTACK_OUTPUTS = 1_000
MAX_MT_ATTACK_OUTPUTS = 10_000
MAX_PREDICTIONS = 1_000
MAX_TIME_WINDOW = 86_400  # seconds: one day of candidate seeds
TIME_SEED_MAX = 253_402_300_799  # Unix seconds of 9999-12-31 23:59:59 UTC, the last datetime
MAX_TRUNCATED_HIDDEN_BITS = 20  # brute force over 2**hidden low bits, vectorised
MAX_TRUNCATED_MODULUS_BITS = 64

# The "predict the next number" game: 3-20 outputs for the LCG attacks, or exactly 624 (one
# Mersenne Twister state) for the MT19937 clone.
GAME_MIN_SHOWN = 3
GAME_MAX_SHOWN = 20
GAME_MT_SHOWN = 624
GAME_PREDICTIONS = 10


def check_int(name: str, value: object, low: int, high: int) -> int:
    """Return ``value`` as an ``int`` if it is an integer in [low, high], else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    number = int(value)
    if not low <= number <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {number}")
    return number


def check_count(value: object) -> int:
    """A number of outputs to draw in one call."""
    return check_int("count", value, 0, MAX_OUTPUTS)


def check_seed(value: object, high: int = SEED_MAX, low: int = 0) -> int:
    return check_int("seed", value, low, high)


def check_alpha(value: object) -> float:
    if value not in ALPHA_CHOICES:
        raise ValueError(f"alpha must be one of {ALPHA_CHOICES}, got {value!r}")
    return float(value)  # type: ignore[arg-type]


def check_language(value: object) -> str:
    if value not in ("zh-hans", "en"):
        raise ValueError(f"language must be 'zh-hans' or 'en', got {value!r}")
    return str(value)
