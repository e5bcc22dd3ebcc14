"""Every single test once on one sample (the page's table and /api/labs/rng/tests/)."""

import numpy as np
import pytest

from labs.rng.generators import make_generator
from labs.rng.stats import run_sample_tests


def names(result):
    return [r.name for r in result.results]


def test_a_large_sample_runs_every_test_and_the_bit_tests():
    generator = make_generator("pcg32", 42)
    result = run_sample_tests(generator.take(20_000), 32, bit=5)
    assert names(result) == [
        "monobit",
        "block_frequency",
        "runs",
        "byte_chi_square",
        "serial_correlation",
        "lattice_2d",
        "lattice_3d",
        "bit_5_monobit",
        "bit_5_runs",
    ]
    assert result.skipped == ()
    assert all(0 <= r.p_value <= 1 for r in result.results)


def test_a_small_sample_skips_what_it_cannot_judge():
    result = run_sample_tests(make_generator("mt19937", 1).take(150), 32)
    assert {name for name, _ in result.skipped} == {"byte_chi_square", "lattice_2d", "lattice_3d"}
    assert "bit_" not in " ".join(names(result))


def test_the_low_bit_of_a_power_of_two_lcg_fails_and_randu_fails_in_3d():
    lcg = run_sample_tests(make_generator("lcg", 0).take(10_000), 32, bit=0)
    assert {r.name: r.passed for r in lcg.results}["bit_0_runs"] is False
    randu = run_sample_tests(make_generator("randu", 1).take(30_000), 31)
    assert {r.name: r.passed for r in randu.results}["lattice_3d"] is False


@pytest.mark.parametrize(
    "outputs, width, bit",
    [
        (np.arange(99), 32, None),  # too few
        (np.arange(200), 8, 8),  # no bit 8 in 8-bit outputs
        (np.arange(200) + 300, 8, None),  # values too wide
    ],
)
def test_bad_samples_raise_value_error(outputs, width, bit):
    with pytest.raises(ValueError):
        run_sample_tests(outputs, width, bit=bit)
