"""Time import-lab runs: each is a fresh `python -I -S` subprocess plus its reports.

    .venv/bin/python bench/bench_imports.py [--runs 20]

Prints median and p95 wall time per run; the target for a typical five-step run is < 300 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from labs.imports.sandbox import run  # noqa: E402

CASES = {
    "import-vs-from, 5 steps": (
        "import-vs-from",
        [
            "import demo",
            "from demo import counter, greet",
            "demo.counter = 5",
            "print(counter, demo.counter)",
            "print(greet())",
        ],
    ),
    "reload-stale, 12 steps (default)": ("reload-stale", None),
    "pycache, 3 interpreters (default)": ("pycache", None),
    "memory-myth json, 2 interpreters (default)": ("memory-myth", None),
    "memory-myth numpy, 2 interpreters": (
        "memory-myth",
        ["import numpy", "restart", "from numpy import array"],
    ),
    "importtime json (default)": ("importtime", None),
}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {args.runs} runs per case (after 1 warm-up)")
    print(f"{'case':45} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    for label, (scenario, steps) in CASES.items():
        run(scenario, steps)  # warm the page cache for the interpreter and stdlib
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            result = run(scenario, steps)
            timings.append((time.perf_counter() - started) * 1000)
            if result.error is not None:
                raise SystemExit(f"{label}: {result.error}")
        print(
            f"{label:45} {statistics.median(timings):10.1f} "
            f"{percentile(timings, 0.95):8.1f} {max(timings):8.1f}"
        )


if __name__ == "__main__":
    main()
