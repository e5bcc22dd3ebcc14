"""The one place that knows the bounds of the Python-import lab.

The step parser, the sandbox and the web layer all read these numbers. A run is at most a few
short-lived interpreters (``max_processes``), each killed after ``wall_time_s``; a typical
five-step run takes well under the 300 ms budget (``bench/bench_imports.py``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportsLimits:
    # The step list: what a form or the JSON API may submit.
    max_steps: int = 40
    max_step_length: int = 200
    max_name_length: int = 40  # one identifier (a module path segment, a variable name)
    max_string_literal: int = 40  # characters between the quotes of `m.attr = "..."`
    max_int_digits: int = 9  # `m.attr = 123456789` at most
    max_print_args: int = 4
    max_from_names: int = 8  # `from m import a, b, ...`
    # `restart` and `python main.py` each start one more interpreter.
    max_processes: int = 3

    # One interpreter. A scenario's own modules run in about 30 ms; a body never sleeps, so
    # only a bug or a test hits this.
    wall_time_s: float = 2.0
    # `import numpy` under tracemalloc (memory-myth, the only scenario with site-packages)
    # takes 0.35 s on an idle 2-core machine but was measured at 1.3 s under load.
    wall_time_site_packages_s: float = 5.0
    # RLIMIT_AS. numpy (OpenBLAS) and tracemalloc were checked to import fine under it.
    memory_bytes: int = 512 * 1024 * 1024
    file_size_bytes: int = 4 * 1024 * 1024  # RLIMIT_FSIZE: sources and .pyc files are tiny
    open_files: int = 64

    # What comes back.
    output_bytes: int = 64 * 1024  # printed text, for the whole run; the rest is cut
    report_bytes: int = 4 * 1024 * 1024  # the runner's structured reports on its stdout
    stderr_bytes: int = 256 * 1024  # -X importtime tables and crash messages
    repr_chars: int = 100
    max_module_attributes: int = 40

    # Process-wide: a third concurrent run is refused at once (the web layer answers 429).
    max_concurrent_runs: int = 2


LIMITS = ImportsLimits()


def wall_time_for(*, site_packages: bool) -> float:
    return LIMITS.wall_time_site_packages_s if site_packages else LIMITS.wall_time_s
