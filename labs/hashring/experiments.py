"""Measurements the lab page shows: spread against vnodes, all algorithms side by side,
and how much faster mmh3 is than md5 in Python.

Timing figures (lookups per second, the hash speed ratio) are real measurements on the
server that answers the request, so they vary from run to run; everything else is
deterministic.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import mmh3
import numpy as np

from .base import Assigner, StatelessAssigner
from .hashes import ring_points
from .keys import numbered_keys
from .limits import ALGORITHMS, DEFAULTS, LIMITS, Algorithm, HashName, ParameterError
from .params import LabParams, build_assigner, default_node_names, next_node_name
from .ring import RING_SIZE, HashRing, check_vnodes
from .stats import analyse_change, load_stats, theoretical_spread_percent

# Log-spaced 1..1000, plus 160 (ketama's default) so the chart shows the common setting.
SPREAD_VNODE_COUNTS: tuple[int, ...] = (1, 2, 5, 10, 20, 50, 100, 160, 200, 500, 1000)
# Enough keys that counting noise (about sqrt(n/K): 0.7% at 10 nodes) stays well below the
# smallest spread on the chart (3% at 1000 vnodes), few enough to stay near 0.2 s in all.
SPREAD_KEYS = 200_000
# Rings averaged for SpreadPoint.average_percent: up to 8, fewer with many nodes (a ring of
# 100 nodes already averages 100 shares, and building 8 of them would cost half a second).
SPREAD_MAX_TRIALS = 8
SPREAD_NODES_PER_BUDGET = 80


def spread_trials(nodes: int) -> int:
    return max(1, min(SPREAD_MAX_TRIALS, SPREAD_NODES_PER_BUDGET // nodes))


@dataclass(frozen=True)
class SpreadPoint:
    vnodes: int
    measured_percent: float  # stddev/mean of key counts per node (SpreadCurve.keys keys)
    ring_percent: float  # the same for the exact arc shares (what infinitely many keys give)
    theory_percent: float  # sqrt((n-1)/(n*v+1)), see stats.theoretical_spread_percent
    # Root mean square of ring_percent over several rings whose nodes have other names:
    # one ring is one random draw (its spread itself varies by ~25% at 10 nodes), the mean of
    # several is what the theory predicts.
    average_percent: float


@dataclass(frozen=True)
class SpreadCurve:
    nodes: int
    keys: int
    hash_name: str
    trials: int
    points: tuple[SpreadPoint, ...]


def spread_vs_vnodes(
    nodes: int = DEFAULTS.nodes,
    hash_name: HashName = DEFAULTS.hash_name,
    vnode_counts: Sequence[int] = SPREAD_VNODE_COUNTS,
    keys: int = SPREAD_KEYS,
    trials: int | None = None,
) -> SpreadCurve:
    """Spread of keys over ``nodes`` ring nodes for each vnode count, measured and predicted.

    ``trials`` defaults to :func:`spread_trials`; at 10 nodes the whole curve takes ~0.1 s
    with mmh3 (~0.25 s with md5, which hashes the keys one by one) the first time.
    """
    if not LIMITS.min_nodes < nodes <= LIMITS.max_nodes:
        # One node has no spread to measure.
        raise ParameterError("nodes", f"between 2 and {LIMITS.max_nodes}, got {nodes}")
    if not LIMITS.min_keys <= keys <= LIMITS.max_keys:
        raise ParameterError("keys", f"between {LIMITS.min_keys} and {LIMITS.max_keys}")
    trials = spread_trials(nodes) if trials is None else trials
    if not 1 <= trials <= SPREAD_MAX_TRIALS:
        raise ParameterError("trials", f"between 1 and {SPREAD_MAX_TRIALS}")
    for vnodes in vnode_counts:
        check_vnodes(vnodes, LIMITS.max_vnodes_spread)
    key_set = numbered_keys(keys)
    names = default_node_names(nodes)
    points = []
    for vnodes in vnode_counts:
        ring = HashRing(
            names, hash_name=hash_name, vnodes=vnodes, vnode_limit=LIMITS.max_vnodes_spread
        )
        ring_percent = _arc_spread_percent(ring.arc_shares())
        others = [
            _arc_spread_percent(_arc_shares(nodes, vnodes, hash_name, f"trial-{trial}/"))
            for trial in range(1, trials)
        ]
        points.append(
            SpreadPoint(
                vnodes=vnodes,
                measured_percent=load_stats(ring.assign(key_set), names).stddev_percent,
                ring_percent=ring_percent,
                theory_percent=theoretical_spread_percent(nodes, vnodes),
                average_percent=math.sqrt(sum(p * p for p in [ring_percent, *others]) / trials),
            )
        )
    return SpreadCurve(
        nodes=nodes, keys=keys, hash_name=hash_name, trials=trials, points=tuple(points)
    )


def _arc_spread_percent(shares: np.ndarray) -> float:
    return float(shares.std() / shares.mean() * 100)


def _arc_shares(nodes: int, vnodes: int, hash_name: HashName, prefix: str) -> np.ndarray:
    """Ring shares of nodes named ``<prefix>node-<i>``, without the cached ring machinery."""
    positions = np.array(
        [p for i in range(nodes) for p in ring_points(f"{prefix}node-{i}", vnodes, hash_name)],
        dtype=np.int64,
    )
    owners = np.repeat(np.arange(nodes), vnodes)
    order = np.argsort(positions, kind="stable")
    positions, owners = positions[order], owners[order]
    arcs = np.diff(positions, prepend=positions[-1] - RING_SIZE)
    return np.bincount(owners, weights=arcs, minlength=nodes) / RING_SIZE


def lookups_per_second(assigner: Assigner, keys: Sequence[str], budget: float = 0.02) -> float:
    """Single-key lookups per second through the plain-Python path, timed for ~``budget`` s.

    Bounded loads has no lookup of its own: its figure is the cost of placing keys one by
    one with its reference (scalar) placement.
    """
    if not keys:
        raise ValueError("need at least one key to time")
    done = 0
    start = time.perf_counter()
    elapsed = 0.0
    while elapsed < budget:
        if isinstance(assigner, StatelessAssigner):
            lookup = assigner.lookup
            for key in keys:
                lookup(key)
        else:
            assigner.assign_scalar(keys)
        done += len(keys)
        elapsed = time.perf_counter() - start
    return done / elapsed


@dataclass(frozen=True)
class AlgorithmSummary:
    algorithm: Algorithm
    stddev_percent: float
    max_over_mean: float
    moved_fraction_on_add: float
    ideal_fraction_on_add: float
    moved_between_old_nodes_on_add: int
    lookups_per_second: float
    removes_any_node: bool  # False for jump: only the last bucket can go


def compare_algorithms(
    params: LabParams, algorithms: Sequence[Algorithm] = ALGORITHMS, lookup_budget: float = 0.02
) -> tuple[AlgorithmSummary, ...]:
    """Every algorithm on the same keys and nodes: spread, keys moved by one more node, speed.

    ``params.algorithm`` is ignored; the key count is capped at ``LIMITS.max_keys_compare``
    because rendezvous is part of the comparison.
    """
    if params.keys > LIMITS.max_keys_compare:
        raise ParameterError("keys", f"at most {LIMITS.max_keys_compare} for the comparison")
    key_set = params.key_set()
    timing_keys = [key_set.key(i) for i in key_set.sample_indices(LIMITS.max_sample_keys)]
    summaries = []
    for algorithm in algorithms:
        assigner = build_assigner(
            algorithm,
            params.node_names,
            hash_name=params.hash_name,
            vnodes=params.vnodes,
            balance=params.balance,
        )
        report = analyse_change(
            assigner, assigner.with_node(next_node_name(assigner.nodes)), key_set
        )
        summaries.append(
            AlgorithmSummary(
                algorithm=algorithm,
                stddev_percent=report.before.stddev_percent,
                max_over_mean=report.before.max_over_mean,
                moved_fraction_on_add=report.moved_fraction,
                ideal_fraction_on_add=report.ideal_fraction,
                moved_between_old_nodes_on_add=report.moved_between_old_nodes,
                lookups_per_second=lookups_per_second(assigner, timing_keys, lookup_budget),
                removes_any_node=algorithm != "jump",
            )
        )
    return tuple(summaries)


@dataclass(frozen=True)
class HashSpeed:
    sample: int
    md5_per_second: float
    mmh3_per_second: float

    @property
    def ratio(self) -> float:
        """How many times more keys per second mmh3 hashes than md5."""
        return self.mmh3_per_second / self.md5_per_second


def measure_hash_speed(sample: int = 20_000, repeats: int = 3) -> HashSpeed:
    """Hash ``sample`` short keys with md5 and with mmh3, best of ``repeats`` (~0.05 s).

    Both loops do the same Python work around the call (one call per key, keys already
    bytes), so the ratio is the cost of the hash as a Python program sees it.
    """
    keys = [b"key-%d" % i for i in range(sample)]
    md5 = hashlib.md5
    murmur = mmh3.hash

    def md5_loop() -> None:
        for key in keys:
            md5(key).digest()

    def mmh3_loop() -> None:
        for key in keys:
            murmur(key, 0, False)

    best = {md5_loop: float("inf"), mmh3_loop: float("inf")}
    for _ in range(repeats):
        for loop in best:
            start = time.perf_counter()
            loop()
            best[loop] = min(best[loop], time.perf_counter() - start)
    return HashSpeed(
        sample=sample,
        md5_per_second=sample / best[md5_loop],
        mmh3_per_second=sample / best[mmh3_loop],
    )
