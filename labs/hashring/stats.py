"""Load statistics of an assignment, and what a membership change moves."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .base import Assigner
from .keys import KeySet

ChangeKind = Literal["add", "remove"]


@dataclass(frozen=True)
class LoadStats:
    """Keys per node (every node listed, zero included) and how uneven that is.

    ``stddev_percent`` is the population standard deviation of the counts as a percentage
    of the mean (the coefficient of variation): the whole population of nodes is measured,
    not a sample of it, and this is the quantity the spread theory predicts.
    """

    nodes: tuple[str, ...]
    counts: tuple[int, ...]
    total: int
    mean: float
    stddev_percent: float
    max_over_mean: float
    min_over_mean: float

    @property
    def busiest(self) -> str:
        return self.nodes[self.counts.index(max(self.counts))]

    def count_of(self, node: str) -> int:
        return self.counts[self.nodes.index(node)]


def load_stats(assignment: np.ndarray, nodes: tuple[str, ...]) -> LoadStats:
    counts = np.bincount(assignment, minlength=len(nodes))
    total = int(counts.sum())
    mean = total / len(nodes)
    if total == 0:
        return LoadStats(nodes, tuple(0 for _ in nodes), 0, 0.0, 0.0, 0.0, 0.0)
    return LoadStats(
        nodes=nodes,
        counts=tuple(int(c) for c in counts),
        total=total,
        mean=mean,
        stddev_percent=float(counts.std() / mean * 100),
        max_over_mean=float(counts.max() / mean),
        min_over_mean=float(counts.min() / mean),
    )


@dataclass(frozen=True)
class Flow:
    source: str
    target: str
    count: int


@dataclass(frozen=True)
class ChangeReport:
    """Keys that changed node when one node was added or removed.

    ``matrix[i][j]`` counts keys that were on ``all_nodes[i]`` before and are on
    ``all_nodes[j]`` after (the diagonal holds the keys that stayed). ``ideal_fraction``
    is the least any scheme must move: on average 1/(n+1) of keys when a node joins, and
    exactly the departing node's keys when one leaves.
    """

    algorithm: str
    hash_name: str
    kind: ChangeKind
    node: str
    nodes_before: tuple[str, ...]
    nodes_after: tuple[str, ...]
    all_nodes: tuple[str, ...]
    key_count: int
    moved: int
    moved_fraction: float
    ideal_fraction: float
    moved_between_old_nodes: int
    matrix: tuple[tuple[int, ...], ...]
    before: LoadStats
    after: LoadStats

    @property
    def flows(self) -> tuple[Flow, ...]:
        """Every (source, target) pair with moved keys, largest first."""
        found = [
            Flow(self.all_nodes[i], self.all_nodes[j], count)
            for i, row in enumerate(self.matrix)
            for j, count in enumerate(row)
            if i != j and count
        ]
        return tuple(sorted(found, key=lambda f: (-f.count, f.source, f.target)))

    @property
    def moved_to_changed_node(self) -> int:
        return self.moved - self.moved_between_old_nodes


def analyse_change(before: Assigner, after: Assigner, keys: KeySet) -> ChangeReport:
    """Compare two placements of the same keys that differ by exactly one node."""
    added = set(after.nodes) - set(before.nodes)
    removed = set(before.nodes) - set(after.nodes)
    if len(added) + len(removed) != 1:
        raise ValueError("the two placements must differ by exactly one node")
    kind: ChangeKind = "add" if added else "remove"
    node = next(iter(added or removed))
    all_nodes = after.nodes if kind == "add" else before.nodes
    position = {name: i for i, name in enumerate(all_nodes)}
    # Re-index both assignments into all_nodes, so a key's node is comparable across them.
    before_map = np.array([position[n] for n in before.nodes], dtype=np.int64)
    after_map = np.array([position[n] for n in after.nodes], dtype=np.int64)
    before_assignment = before.assign(keys)
    after_assignment = after.assign(keys)
    old = before_map[before_assignment]
    new = after_map[after_assignment]
    size = len(all_nodes)
    matrix = np.bincount(old * size + new, minlength=size * size).reshape(size, size)
    moved_mask = old != new
    moved = int(moved_mask.sum())
    changed = position[node]
    side = new if kind == "add" else old
    between_old = int((moved_mask & (side != changed)).sum())
    before_stats = load_stats(before_assignment, before.nodes)
    after_stats = load_stats(after_assignment, after.nodes)
    key_count = len(keys)
    if kind == "add":
        ideal = 1 / len(after.nodes)
    else:
        ideal = before_stats.count_of(node) / key_count if key_count else 0.0
    return ChangeReport(
        algorithm=before.algorithm,
        hash_name=before.hash_name,
        kind=kind,
        node=node,
        nodes_before=before.nodes,
        nodes_after=after.nodes,
        all_nodes=all_nodes,
        key_count=key_count,
        moved=moved,
        moved_fraction=moved / key_count if key_count else 0.0,
        ideal_fraction=ideal,
        moved_between_old_nodes=between_old,
        matrix=tuple(tuple(int(c) for c in row) for row in matrix),
        before=before_stats,
        after=after_stats,
    )


def theoretical_spread_percent(nodes: int, vnodes: int) -> float:
    """Expected coefficient of variation (in %) of per-node load on a ring, many keys.

    Where the formula comes from: n*v points thrown uniformly on a circle cut it into arcs
    whose lengths are jointly Dirichlet(1, ..., 1) with N = n*v parts. A node owns v of them,
    and a sum of v Dirichlet parts is Beta(v, N - v): mean v/N = 1/n, variance
    (1/n)(1 - 1/n)/(N + 1). Standard deviation over mean is then sqrt((n - 1)/(n*v + 1)).
    (10 nodes: 1 vnode 90%, 10 vnodes 30%, 100 vnodes 9.5%, 1000 vnodes 3%.)
    """
    return 100 * math.sqrt((nodes - 1) / (nodes * vnodes + 1))
