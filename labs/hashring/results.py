"""Engine results for the lab page and the JSON API, computed once and kept in the cache.

Results are deterministic for a normalised request (:meth:`Run.cache_key`), so a shared
link is computed once, by whichever process sees it first (the cache is Redis when
``REDIS_URL`` is set). The two timing figures are the exception: lookups per second in the
comparison and the md5/mmh3 speed ratio are measurements of this server, cached as measured.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache

from .engine import (
    LIMITS,
    AlgorithmSummary,
    ChangeRefused,
    ChangeReport,
    HashSpeed,
    LabParams,
    LoadStats,
    RingPicture,
    SpreadCurve,
    add_node,
    compare_algorithms,
    load,
    measure_hash_speed,
    remove_node,
    ring_picture,
    spread_vs_vnodes,
)
from .runs import Run

# Bump when a cached result's shape changes, so old entries are never read back.
CACHE_VERSION = 1
CACHE_SECONDS = 24 * 3600
# Timing six algorithms for 20 ms each would be most of the comparison's cost; 5 ms of
# single lookups is still hundreds of them, enough for the order of magnitude it shows.
COMPARISON_LOOKUP_BUDGET = 0.005

T = TypeVar("T")


def cached(kind: str, key: str, compute: Callable[[], T]) -> T:
    cache_key = f"hashring:{CACHE_VERSION}:{kind}:{key}"
    found = cache.get(cache_key)
    if found is None:
        found = compute()
        cache.set(cache_key, found, CACHE_SECONDS)
    return found


@dataclass(frozen=True)
class Refusal:
    """A change the algorithm cannot make (``ChangeRefused``, kept as plain picklable data)."""

    reason: str
    message: str
    node: str


@dataclass(frozen=True)
class Outcome:
    stats: LoadStats  # the cluster as it ends up: after the change, or unchanged
    report: ChangeReport | None = None
    refusal: Refusal | None = None


def outcome(run: Run) -> Outcome:
    """Keys per node, and what the change (if any) moved or why it was refused."""

    def compute() -> Outcome:
        params = run.params
        if not run.change:
            return Outcome(load(params))
        try:
            if run.change == "add":
                report = add_node(params, run.node)
            else:
                report = remove_node(params, run.node)
        except ChangeRefused as refused:
            return Outcome(load(params), refusal=Refusal(refused.reason, refused.message, run.node))
        return Outcome(report.after, report=report)

    return cached("outcome", run.cache_key(), compute)


@dataclass(frozen=True)
class PictureResult:
    picture: RingPicture | None
    # Why there is no picture: "no-ring" (the algorithm has none) or "too-many-points".
    missing: str = ""


def picture(run: Run, refused: bool) -> PictureResult:
    """The ring with its sampled keys, drawn after the change unless the change was refused."""
    if not run.uses_vnodes:
        return PictureResult(None, "no-ring")
    drawn = run.without_change() if refused else run
    if not LIMITS.ring_drawable(run.nodes + (drawn.change == "add"), run.vnodes):
        return PictureResult(None, "too-many-points")

    def compute() -> PictureResult:
        change = drawn.change or "none"
        return PictureResult(ring_picture(drawn.params, change, drawn.node or None))

    return cached("picture", drawn.cache_key(), compute)


def spread(run: Run) -> SpreadCurve | None:
    """Spread against virtual nodes for this many nodes and this hash (none for one node)."""
    if run.nodes < 2:
        return None
    return cached(
        "spread",
        f"{run.nodes}:{run.hash_name}",
        lambda: spread_vs_vnodes(nodes=run.nodes, hash_name=run.hash_name),
    )


@dataclass(frozen=True)
class Comparison:
    keys: int  # the keys every algorithm placed (the run's, capped for rendezvous' sake)
    summaries: tuple[AlgorithmSummary, ...]


def comparison_keys(run: Run) -> int:
    return min(run.keys, LIMITS.max_keys_compare)


def comparison(run: Run) -> Comparison:
    """Every algorithm on the same nodes and keys; independent of the run's algorithm."""
    keys = comparison_keys(run)
    params = LabParams(
        algorithm="ring",
        hash_name=run.hash_name,
        nodes=run.nodes,
        keys=keys,
        vnodes=run.vnodes,
        balance=run.balance,
    )
    key = f"{run.hash_name}:{run.nodes}:{keys}:{run.vnodes}:{run.balance.normalize()}"
    return cached(
        "comparison",
        key,
        lambda: Comparison(
            keys, compare_algorithms(params, lookup_budget=COMPARISON_LOOKUP_BUDGET)
        ),
    )


@functools.cache
def hash_speed() -> HashSpeed:
    """md5 against mmh3, measured once per process: the figure belongs to this machine."""
    return measure_hash_speed()
