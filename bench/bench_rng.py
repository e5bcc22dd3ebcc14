"""Benchmarks of the RNG lab engine: prints figures against their targets, asserts nothing.

Run: .venv/bin/python bench/bench_rng.py
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from labs.rng import limits  # noqa: E402
from labs.rng.attacks import (  # noqa: E402
    clone_mt19937,
    crack_time_seeded_token,
    java_random_outputs,
    make_time_seeded_token,
    recover_lcg_known_modulus,
    recover_lcg_unknown_modulus,
    recover_truncated_lcg,
)
from labs.rng.generators import generator_names, make_generator  # noqa: E402
from labs.rng.stats import run_battery  # noqa: E402


def best_of(repeats: int, work: Callable[[], object]) -> float:
    """The fastest of ``repeats`` runs, in seconds (the least disturbed by other processes)."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)


def report(label: str, seconds: float, target: float) -> None:
    verdict = "ok" if seconds < target else "OVER TARGET"
    print(f"{label:<48} {seconds * 1000:9.2f} ms   (target < {target * 1000:.0f} ms, {verdict})")


def main() -> None:
    victim = random.Random(2024)
    observed = [victim.getrandbits(32) for _ in range(624)]
    report("MT19937 clone from 624 outputs", best_of(20, lambda: clone_mt19937(observed)), 0.050)

    lcg = [int(v) for v in make_generator("lcg", 7).take(10)]
    report(
        "LCG recovery, known m, 3 outputs",
        best_of(50, lambda: recover_lcg_known_modulus(lcg[:3])),
        0.010,
    )
    minstd = [int(v) for v in make_generator("minstd", 7).take(10)]
    report(
        "LCG recovery, unknown m (gcd), 10 outputs",
        best_of(50, lambda: recover_lcg_unknown_modulus(minstd)),
        0.010,
    )
    java = java_random_outputs(42, 3)
    report(
        "java.util.Random state from 2 outputs (2**16)",
        best_of(20, lambda: recover_truncated_lcg(java[:2])),
        0.050,
    )

    print()
    n = 1_000_000
    for name in generator_names():
        cold = best_of(1, lambda name=name: make_generator(name).take(n))
        warm = best_of(5, lambda name=name: make_generator(name).take(n))
        report(f"{name}: 1e6 outputs (first call {cold * 1000:.0f} ms)", warm, 0.200)

    print()
    shapes = [(100, 10_000), (1_000, 2_000), (60, 32_000), (10, 200_000)]
    for sequences, bits in shapes:
        generator = make_generator("mt19937", 1)
        seconds = best_of(
            3,
            lambda s=sequences, b=bits, g=generator: run_battery(
                g, sequences=s, bits_per_sequence=b
            ),
        )
        report(f"battery, {sequences} x {bits} bits ({sequences * bits:.0e} bits)", seconds, 1.0)

    print()
    start = 1_700_000_000
    end = start + limits.MAX_TIME_WINDOW - 1
    token = make_time_seeded_token(end)  # the worst case: the last seed of the window
    seconds = best_of(1, lambda: crack_time_seeded_token(token, start, end))
    report(f"time-seeded token, {limits.MAX_TIME_WINDOW}-second window, worst case", seconds, 1.0)


if __name__ == "__main__":
    main()
