"""Statistical tests for the RNG lab, and a battery that judges a generator the NIST way.

Single tests return a :class:`TestResult` with a p-value: the probability that a truly random
sequence looks at least this far from random. One p-value proves little (a good generator gives
p < 0.01 once in a hundred sequences), so :func:`battery` runs every test on m sequences and
judges by NIST SP 800-22 section 4.2: the proportion of sequences that pass must lie in
p̂ ± 3·sqrt(p̂(1−p̂)/m) with p̂ = 1 − alpha, and the p-values must be uniform (chi-square over 10
bins, P-value_T >= 0.0001; NIST asks for at least 55 sequences before judging this).

Bits are numpy uint8 arrays of 0s and 1s; outputs are integer arrays with a known width
(``Generator.output_bits``), turned into bits most significant bit first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from scipy.special import erfc, gammaincc

from labs.rng import limits
from labs.rng.generators import Generator

MIN_BYTES = 1024  # byte chi-square: an expected count of 4 in each of 256 cells
UNIFORMITY_MIN_SEQUENCES = 55  # NIST SP 800-22 section 4.2.2
UNIFORMITY_THRESHOLD = 0.0001


@dataclass(frozen=True)
class TestResult:
    __test__ = False  # not a pytest test class, despite the name

    name: str
    statistic: float
    p_value: float
    alpha: float = 0.01

    @property
    def passed(self) -> bool:
        return self.p_value >= self.alpha


def _chi2_sf(statistic: float, dof: int) -> float:
    # gammaincc is NIST's igamc and much cheaper per call than scipy.stats.chi2.sf.
    return float(gammaincc(dof / 2, statistic / 2))


def as_bits(bits: object) -> np.ndarray:
    """Validate a sequence of 0/1 values and return it as a uint8 array."""
    array = np.asarray(bits)
    if array.ndim != 1:
        raise ValueError("bits must be a one-dimensional sequence")
    if not limits.MIN_TEST_BITS <= array.size <= limits.MAX_TEST_BITS:
        raise ValueError(
            f"need between {limits.MIN_TEST_BITS} and {limits.MAX_TEST_BITS} bits, got {array.size}"
        )
    if array.dtype.kind not in "biu" or array.min() < 0 or array.max() > 1:
        raise ValueError("bits must contain only 0 and 1")
    return array.astype(np.uint8, copy=False)


def as_outputs(outputs: object, width: int) -> np.ndarray:
    """Validate generator outputs of ``width`` bits and return them as a uint64 array."""
    limits.check_int("width", width, 1, 32)
    array = np.asarray(outputs)
    if array.ndim != 1:
        raise ValueError("outputs must be a one-dimensional sequence")
    if not limits.MIN_TEST_OUTPUTS <= array.size <= limits.MAX_OUTPUTS:
        raise ValueError(
            f"need between {limits.MIN_TEST_OUTPUTS} and {limits.MAX_OUTPUTS} outputs, "
            f"got {array.size}"
        )
    if array.dtype.kind not in "iu" or array.min() < 0 or int(array.max()) >> width:
        raise ValueError(f"outputs must be integers in [0, 2**{width})")
    return array.astype(np.uint64, copy=False)


def outputs_to_bits(outputs: np.ndarray, width: int) -> np.ndarray:
    """Each output's ``width`` bits, most significant first, concatenated."""
    shifts = np.arange(width - 1, -1, -1, dtype=np.uint64)
    values = np.asarray(outputs, dtype=np.uint64)
    return ((values[:, None] >> shifts) & np.uint64(1)).astype(np.uint8).reshape(-1)


# --------------------------------------------------------------------------------------------
# NIST SP 800-22 bit tests (sections 2.1-2.3)


def monobit(bits: object, alpha: float = 0.01) -> TestResult:
    """Frequency (monobit) test: are ones and zeros about equally common?"""
    b = as_bits(bits)
    n = b.size
    s_obs = abs(2 * int(b.sum(dtype=np.int64)) - n) / math.sqrt(n)
    return TestResult("monobit", s_obs, float(erfc(s_obs / math.sqrt(2))), alpha)


def default_block_size(n: int) -> int:
    """NIST's rules for the block frequency test: M >= 20, M > 0.01·n, fewer than 100 blocks."""
    return max(20, n // 100 + 1)


def block_frequency(bits: object, block_size: int | None = None, alpha: float = 0.01) -> TestResult:
    """Frequency within blocks: is each block of M bits about half ones?"""
    b = as_bits(bits)
    m = default_block_size(b.size) if block_size is None else block_size
    m = limits.check_int("block_size", m, 2, b.size)
    blocks = b.size // m
    proportions = b[: blocks * m].reshape(blocks, m).sum(axis=1, dtype=np.int64) / m
    statistic = 4 * m * float(((proportions - 0.5) ** 2).sum())
    return TestResult("block_frequency", statistic, _chi2_sf(statistic, blocks), alpha)


def runs(bits: object, alpha: float = 0.01) -> TestResult:
    """Runs test: is the number of runs (maximal blocks of equal bits) as expected?

    NIST's prerequisite: when the proportion of ones is already too far from 1/2 the test is
    not run and the p-value is 0.
    """
    b = as_bits(bits)
    n = b.size
    pi = int(b.sum(dtype=np.int64)) / n
    if abs(pi - 0.5) >= 2 / math.sqrt(n):
        return TestResult("runs", float("nan"), 0.0, alpha)
    v_obs = 1 + int(np.count_nonzero(b[1:] != b[:-1]))
    numerator = abs(v_obs - 2 * n * pi * (1 - pi))
    p = erfc(numerator / (2 * math.sqrt(2 * n) * pi * (1 - pi)))
    return TestResult("runs", float(v_obs), float(p), alpha)


# --------------------------------------------------------------------------------------------
# Tests on bytes and outputs


def byte_chi_square(data: object, alpha: float = 0.01) -> TestResult:
    """Chi-square uniformity of byte values (255 degrees of freedom)."""
    array = np.frombuffer(data, dtype=np.uint8) if isinstance(data, bytes) else np.asarray(data)
    if array.ndim != 1 or array.dtype != np.uint8:
        raise ValueError("data must be bytes or a one-dimensional uint8 array")
    if not MIN_BYTES <= array.size <= limits.MAX_TEST_BITS // 8:
        raise ValueError(
            f"need between {MIN_BYTES} and {limits.MAX_TEST_BITS // 8} bytes, got {array.size}"
        )
    counts = np.bincount(array, minlength=256)
    expected = array.size / 256
    statistic = float(((counts - expected) ** 2).sum() / expected)
    return TestResult("byte_chi_square", statistic, _chi2_sf(statistic, 255), alpha)


def serial_correlation(outputs: object, width: int, alpha: float = 0.01) -> TestResult:
    """Lag-1 correlation of consecutive outputs; for independent values r·sqrt(n) ≈ N(0, 1)."""
    u = as_outputs(outputs, width).astype(np.float64) / 2.0**width
    x, y = u[:-1] - u[:-1].mean(), u[1:] - u[1:].mean()
    denominator = math.sqrt(float((x * x).sum()) * float((y * y).sum()))
    if denominator == 0:  # a constant sequence: as far from random as it gets
        return TestResult("serial_correlation", float("nan"), 0.0, alpha)
    r = float((x * y).sum()) / denominator
    return TestResult("serial_correlation", r, float(erfc(abs(r) * math.sqrt(u.size / 2))), alpha)


def default_cells_per_dim(tuples: int, dims: int) -> int:
    """The most cells per dimension that keep an expected count of at least 5 per cell."""
    cells = int((tuples / 5) ** (1 / dims))
    while (cells + 1) ** dims * 5 <= tuples:
        cells += 1
    while cells > 1 and cells**dims * 5 > tuples:
        cells -= 1
    return min(cells, limits.LATTICE_MAX_CELLS_PER_DIM[dims])


def lattice(
    outputs: object,
    width: int,
    dims: int = 2,
    cells_per_dim: int | None = None,
    alpha: float = 0.01,
) -> TestResult:
    """Chi-square over a grid of cells hit by non-overlapping pairs (dims=2) or triples (dims=3)
    of consecutive outputs, each scaled to [0, 1). LCG tuples lie on few lines/planes, which
    leaves cells empty when the grid is fine enough (RANDU in 3-D)."""
    if dims not in limits.LATTICE_DIMS:
        raise ValueError(f"dims must be one of {limits.LATTICE_DIMS}, got {dims!r}")
    values = as_outputs(outputs, width)
    tuples = values.size // dims
    if cells_per_dim is None:
        cells_per_dim = default_cells_per_dim(tuples, dims)
    cells_per_dim = limits.check_int(
        "cells_per_dim", cells_per_dim, 2, limits.LATTICE_MAX_CELLS_PER_DIM[dims]
    )
    coordinates = (values[: tuples * dims].reshape(tuples, dims) * np.uint64(cells_per_dim)) >> (
        np.uint64(width)
    )
    index = np.zeros(tuples, dtype=np.int64)
    for d in range(dims):
        index = index * cells_per_dim + coordinates[:, d].astype(np.int64)
    cells = cells_per_dim**dims
    counts = np.bincount(index, minlength=cells)
    expected = tuples / cells
    statistic = float(((counts - expected) ** 2).sum() / expected)
    return TestResult(f"lattice_{dims}d", statistic, _chi2_sf(statistic, cells - 1), alpha)


@dataclass(frozen=True)
class BitPositionResult:
    bit: int  # 0 is the least significant bit
    monobit: TestResult
    runs: TestResult


def bit_positions(
    outputs: object, width: int, alpha: float = 0.01
) -> tuple[BitPositionResult, ...]:
    """Monobit and runs on bit k of every output, for each k. Bit k of an LCG modulo 2**32 has
    period 2**(k+1): bit 0 alternates, which the runs test spots at once."""
    values = as_outputs(outputs, width)
    results = []
    for bit in range(width):
        column = ((values >> np.uint64(bit)) & np.uint64(1)).astype(np.uint8)
        results.append(BitPositionResult(bit, monobit(column, alpha), runs(column, alpha)))
    return tuple(results)


# --------------------------------------------------------------------------------------------
# The battery


@dataclass(frozen=True)
class BatterySequence:
    """One sequence of the battery, in the forms the tests need."""

    bits: np.ndarray
    outputs: np.ndarray
    width: int


@dataclass(frozen=True)
class BatteryTest:
    name: str
    run: Callable[[BatterySequence], float]  # p-value
    # Why the test cannot run on sequences of this many bits/outputs, or None when it can.
    unusable: Callable[[int, int], str | None]


def _byte_p(seq: BatterySequence) -> float:
    usable = seq.bits.size // 8 * 8
    return byte_chi_square(np.packbits(seq.bits[:usable])).p_value


def _lattice_unusable(dims: int) -> Callable[[int, int], str | None]:
    def unusable(n_bits: int, n_outputs: int) -> str | None:
        if default_cells_per_dim(n_outputs // dims, dims) < 4:
            return f"needs at least {5 * 4**dims * dims} outputs per sequence (4 cells per side)"
        return None

    return unusable


BATTERY_TESTS: tuple[BatteryTest, ...] = (
    BatteryTest("monobit", lambda s: monobit(s.bits).p_value, lambda b, o: None),
    BatteryTest("block_frequency", lambda s: block_frequency(s.bits).p_value, lambda b, o: None),
    BatteryTest("runs", lambda s: runs(s.bits).p_value, lambda b, o: None),
    BatteryTest(
        "byte_chi_square",
        _byte_p,
        lambda b, o: None if b // 8 >= MIN_BYTES else f"needs at least {8 * MIN_BYTES} bits",
    ),
    BatteryTest(
        "serial_correlation",
        lambda s: serial_correlation(s.outputs, s.width).p_value,
        lambda b, o: (
            None
            if o >= limits.MIN_TEST_OUTPUTS
            else f"needs at least {limits.MIN_TEST_OUTPUTS} outputs per sequence"
        ),
    ),
    BatteryTest(
        "lattice_2d", lambda s: lattice(s.outputs, s.width, 2).p_value, _lattice_unusable(2)
    ),
    BatteryTest(
        "lattice_3d", lambda s: lattice(s.outputs, s.width, 3).p_value, _lattice_unusable(3)
    ),
)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    test_name: str


@dataclass(frozen=True)
class TestVerdict:
    __test__ = False

    name: str
    p_values: tuple[float, ...]
    passes: int
    proportion: float
    proportion_low: float
    proportion_high: float
    uniformity_p: float
    uniformity_judged: bool  # NIST judges uniformity only from 55 sequences on

    @property
    def proportion_ok(self) -> bool:
        return self.proportion_low <= self.proportion <= self.proportion_high

    @property
    def uniformity_ok(self) -> bool:
        return not self.uniformity_judged or self.uniformity_p >= UNIFORMITY_THRESHOLD

    @property
    def passed(self) -> bool:
        return self.proportion_ok and self.uniformity_ok


@dataclass(frozen=True)
class BatteryResult:
    generator: str
    sequences: int
    bits_per_sequence: int
    alpha: float
    verdicts: tuple[TestVerdict, ...]
    skipped: tuple[tuple[str, str], ...]  # (test name, reason)

    @property
    def passed(self) -> bool:
        return all(v.passed for v in self.verdicts)


def proportion_interval(sequences: int, alpha: float) -> tuple[float, float]:
    p_hat = 1 - alpha
    spread = 3 * math.sqrt(p_hat * (1 - p_hat) / sequences)
    return p_hat - spread, p_hat + spread


def uniformity_p_value(p_values: np.ndarray) -> float:
    """NIST's P-value_T: chi-square of the p-values' histogram over 10 equal bins."""
    counts = np.histogram(p_values, bins=10, range=(0.0, 1.0))[0]
    expected = p_values.size / 10
    statistic = float(((counts - expected) ** 2).sum() / expected)
    return _chi2_sf(statistic, 9)


def _verdict(name: str, p_values: np.ndarray, alpha: float) -> TestVerdict:
    m = p_values.size
    passes = int(np.count_nonzero(p_values >= alpha))
    low, high = proportion_interval(m, alpha)
    return TestVerdict(
        name=name,
        p_values=tuple(float(p) for p in p_values),
        passes=passes,
        proportion=passes / m,
        proportion_low=low,
        proportion_high=high,
        uniformity_p=uniformity_p_value(p_values),
        uniformity_judged=m >= UNIFORMITY_MIN_SEQUENCES,
    )


def check_battery_size(sequences: int, bits_per_sequence: int) -> None:
    limits.check_int("sequences", sequences, limits.MIN_SEQUENCES, limits.MAX_SEQUENCES)
    limits.check_int(
        "bits_per_sequence",
        bits_per_sequence,
        limits.MIN_BITS_PER_SEQUENCE,
        limits.MAX_BITS_PER_SEQUENCE,
    )
    if sequences * bits_per_sequence > limits.MAX_BATTERY_BITS:
        raise ValueError(
            f"sequences × bits_per_sequence must be at most {limits.MAX_BATTERY_BITS}, "
            f"got {sequences * bits_per_sequence}"
        )


def battery(
    generator: Generator,
    *,
    sequences: int = 100,
    bits_per_sequence: int = 10_000,
    alpha: float = 0.01,
) -> Iterator[Progress | BatteryResult]:
    """Run every applicable test on ``sequences`` consecutive sequences from ``generator``.

    Yields a :class:`Progress` after each (test, sequence) step and finally one
    :class:`BatteryResult`. A caller streams the progress and cancels by stopping iteration.
    Parameters are validated before anything is yielded (ValueError).
    """
    check_battery_size(sequences, bits_per_sequence)
    alpha = limits.check_alpha(alpha)
    return _run_battery(generator, sequences, bits_per_sequence, alpha)


def _run_battery(
    generator: Generator, sequences: int, bits_per_sequence: int, alpha: float
) -> Iterator[Progress | BatteryResult]:
    width = generator.output_bits
    outputs_per_sequence = -(-bits_per_sequence // width)
    outputs = generator.take(sequences * outputs_per_sequence).reshape(sequences, -1)
    runnable, skipped = [], []
    for test in BATTERY_TESTS:
        reason = test.unusable(bits_per_sequence, outputs_per_sequence)
        if reason is None:
            runnable.append(test)
        else:
            skipped.append((test.name, reason))
    data = [
        BatterySequence(
            outputs_to_bits(row, width)[:bits_per_sequence], row.astype(np.uint64), width
        )
        for row in outputs
    ]
    total = len(runnable) * sequences
    verdicts, done = [], 0
    for test in runnable:
        p_values = np.empty(sequences)
        for i, seq in enumerate(data):
            p_values[i] = test.run(seq)
            done += 1
            yield Progress(done, total, test.name)
        verdicts.append(_verdict(test.name, p_values, alpha))
    yield BatteryResult(
        generator=generator.name,
        sequences=sequences,
        bits_per_sequence=bits_per_sequence,
        alpha=alpha,
        verdicts=tuple(verdicts),
        skipped=tuple(skipped),
    )


def run_battery(
    generator: Generator,
    *,
    sequences: int = 100,
    bits_per_sequence: int = 10_000,
    alpha: float = 0.01,
) -> BatteryResult:
    """:func:`battery` run to the end, for callers that do not stream progress."""
    result = None
    for event in battery(
        generator, sequences=sequences, bits_per_sequence=bits_per_sequence, alpha=alpha
    ):
        if isinstance(event, BatteryResult):
            result = event
    assert result is not None
    return result


# --------------------------------------------------------------------------------------------
# Every single test on one sample of outputs (the lab page's table and the JSON API)


@dataclass(frozen=True)
class SampleTests:
    results: tuple[TestResult, ...]
    skipped: tuple[tuple[str, str], ...]  # (test name, reason)


def run_sample_tests(
    outputs: object, width: int, *, bit: int | None = None, alpha: float = 0.01
) -> SampleTests:
    """Each single test once on ``outputs`` (``width``-bit values, most significant bit first),
    plus monobit and runs on bit ``bit`` of every output when it is given.

    One p-value per test: the battery, not this table, judges a generator (a good one gives
    p < alpha in a fraction alpha of samples). Tests that need more data are skipped with the
    reason.
    """
    values = as_outputs(outputs, width)
    alpha = limits.check_alpha(alpha)
    if bit is not None:
        bit = limits.check_int("bit", bit, 0, width - 1)
    bits = outputs_to_bits(values, width)
    results = [monobit(bits, alpha), block_frequency(bits, alpha=alpha), runs(bits, alpha)]
    skipped: list[tuple[str, str]] = []
    usable = bits.size // 8 * 8
    if usable // 8 >= MIN_BYTES:
        results.append(byte_chi_square(np.packbits(bits[:usable]), alpha))
    else:
        skipped.append(("byte_chi_square", f"needs at least {8 * MIN_BYTES} bits"))
    results.append(serial_correlation(values, width, alpha))
    for dims in limits.LATTICE_DIMS:
        reason = _lattice_unusable(dims)(bits.size, values.size)
        if reason is None:
            results.append(lattice(values, width, dims, alpha=alpha))
        else:
            skipped.append((f"lattice_{dims}d", reason.replace(" per sequence", "")))
    if bit is not None:
        column = ((values >> np.uint64(bit)) & np.uint64(1)).astype(np.uint8)
        for test in (monobit, runs):
            result = test(column, alpha)
            results.append(
                TestResult(f"bit_{bit}_{result.name}", result.statistic, result.p_value, alpha)
            )
    return SampleTests(tuple(results), tuple(skipped))
