"""The hash ring with virtual nodes, and consistent hashing with bounded loads on top of it."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache

import numpy as np

from .base import Assigner, StatelessAssigner
from .hashes import hash32, ring_points
from .keys import DEFAULT_KEY_PREFIX, KeySet, numbered_keys
from .limits import DEFAULTS, LIMITS, HashName, ParameterError, as_balance

RING_SIZE = 1 << 32  # positions are unsigned 32-bit hashes


@dataclass(frozen=True)
class RingPoints:
    """Sorted ring points: position, owning node index and that node's vnode number.

    Ties (two points with the same position, about a 5% chance somewhere among 20 000
    points) go to the node listed first, so adding a node (always listed last) never takes
    a tied point away from an old node, and removing one never reorders the others.
    """

    positions: np.ndarray  # uint32, ascending
    owners: np.ndarray  # int32 node index
    vnode_ids: np.ndarray  # int32, 0..vnodes-1 within the owner
    # bucket_starts[b] is the first point at or after position b << 16 (one extra entry at
    # the end): a key's search starts there and rarely needs more than one step.
    bucket_starts: np.ndarray

    def __len__(self) -> int:
        return int(self.positions.shape[0])


_BUCKET_BITS = 16
_BUCKET_SHIFT = 32 - _BUCKET_BITS


# A ring of 100 nodes x 1000 vnodes (the spread chart's largest) takes about 1.7 MB.
@lru_cache(maxsize=16)
def ring_points_for(nodes: tuple[str, ...], vnodes: int, hash_name: HashName) -> RingPoints:
    positions = np.array(
        [p for node in nodes for p in ring_points(node, vnodes, hash_name)], dtype=np.uint32
    )
    owners = np.repeat(np.arange(len(nodes), dtype=np.int32), vnodes)
    vnode_ids = np.tile(np.arange(vnodes, dtype=np.int32), len(nodes))
    order = np.lexsort((owners, positions))
    positions = positions[order]
    bucket_edges = np.arange((1 << _BUCKET_BITS) + 1, dtype=np.uint64) << np.uint64(_BUCKET_SHIFT)
    bucket_starts = np.searchsorted(positions.astype(np.uint64), bucket_edges, side="left")
    arrays = (positions, owners[order], vnode_ids[order], bucket_starts.astype(np.int64))
    for array in arrays:
        array.setflags(write=False)
    return RingPoints(*arrays)


def check_vnodes(vnodes: int, upper: int = LIMITS.max_vnodes) -> None:
    if isinstance(vnodes, bool) or not isinstance(vnodes, int) or not 1 <= vnodes <= upper:
        raise ParameterError("vnodes", f"between {LIMITS.min_vnodes} and {upper}, got {vnodes!r}")


class HashRing(StatelessAssigner):
    """Ketama-style ring: a key belongs to the first point at or after its hash, wrapping.

    ``vnodes`` points per node; md5 gives four points per digest as libmemcached does.
    ``vnode_limit`` exists for the spread chart, which may go up to 1000 points per node.
    """

    algorithm = "ring"

    def __init__(
        self,
        nodes: Sequence[str],
        *,
        hash_name: HashName = DEFAULTS.hash_name,
        vnodes: int = DEFAULTS.vnodes,
        vnode_limit: int = LIMITS.max_vnodes,
    ) -> None:
        super().__init__(nodes, hash_name=hash_name)
        check_vnodes(vnodes, vnode_limit)
        self.vnodes = vnodes
        self._vnode_limit = vnode_limit
        self.points = ring_points_for(self.nodes, vnodes, hash_name)

    def rebuilt(self, nodes: Sequence[str]) -> HashRing:
        return HashRing(
            nodes, hash_name=self.hash_name, vnodes=self.vnodes, vnode_limit=self._vnode_limit
        )

    @cached_property
    def _positions_list(self) -> list[int]:
        return self.points.positions.tolist()

    @cached_property
    def _owners_list(self) -> list[int]:
        return self.points.owners.tolist()

    def point_index(self, position: int) -> int:
        """Index of the point that owns ``position`` (scalar reference)."""
        index = bisect.bisect_left(self._positions_list, position)
        return 0 if index == len(self._positions_list) else index

    def point_indices(self, positions: np.ndarray) -> np.ndarray:
        """:meth:`point_index` for a uint32 array.

        A plain ``np.searchsorted`` costs ~15 unpredictable branches per key; starting from
        the key's 16-bit bucket instead leaves about one comparison per key, 4-5x faster.
        """
        points = self.points.positions
        bucket = (positions >> np.uint32(_BUCKET_SHIFT)).astype(np.int64)
        index = self.points.bucket_starts[bucket]
        bucket_end = self.points.bucket_starts[bucket + 1]
        pending = np.flatnonzero(index < bucket_end)
        while pending.size:
            behind = points[index[pending]] < positions[pending]
            pending = pending[behind]
            index[pending] += 1
            pending = pending[index[pending] < bucket_end[pending]]
        index[index == len(self.points)] = 0
        return index

    def lookup(self, key: str) -> str:
        return self.nodes[self._owners_list[self.point_index(hash32(key, self.hash_name))]]

    def assign(self, keys: KeySet) -> np.ndarray:
        return self.points.owners[self.point_indices(keys.hashes32(self.hash_name))]

    def arc_shares(self) -> np.ndarray:
        """Fraction of the ring each node owns: its expected share of infinitely many keys."""
        positions = self.points.positions.astype(np.int64)
        # Point i owns the arc after point i-1; point 0 also owns the wrap past the last one.
        arcs = np.diff(positions, prepend=positions[-1] - RING_SIZE)
        owned = np.bincount(self.points.owners, weights=arcs, minlength=len(self.nodes))
        return owned / RING_SIZE


def capacity(key_count: int, node_count: int, balance: Decimal) -> int:
    """ceil(c * m / n), computed exactly (c is a decimal such as 1.25, never a float)."""
    return math.ceil(Fraction(balance) * key_count / node_count)


class BoundedLoadRing(Assigner):
    """Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam 2016).

    Keys arrive in order; each goes to the first node clockwise from its hash that holds
    fewer than ``ceil(c * m / n)`` keys. Placement depends on the keys before it, so there
    is no single-key lookup: the scalar path places keys one by one, walking point by point.
    """

    algorithm = "bounded"

    def __init__(
        self,
        nodes: Sequence[str],
        *,
        hash_name: HashName = DEFAULTS.hash_name,
        vnodes: int = DEFAULTS.vnodes,
        balance: float | str | Decimal = DEFAULTS.balance,
    ) -> None:
        super().__init__(nodes, hash_name=hash_name)
        self.balance = as_balance(balance)
        if not LIMITS.min_balance <= self.balance <= LIMITS.max_balance:
            raise ParameterError(
                "balance",
                f"between {LIMITS.min_balance} and {LIMITS.max_balance}, got {self.balance}",
            )
        self.ring = HashRing(self.nodes, hash_name=hash_name, vnodes=vnodes)
        self.vnodes = vnodes

    def rebuilt(self, nodes: Sequence[str]) -> BoundedLoadRing:
        return BoundedLoadRing(
            nodes, hash_name=self.hash_name, vnodes=self.vnodes, balance=self.balance
        )

    def capacity(self, key_count: int) -> int:
        return capacity(key_count, len(self.nodes), self.balance)

    def assign(self, keys: KeySet) -> np.ndarray:
        if keys.is_numbered and keys.prefix == DEFAULT_KEY_PREFIX:
            return _numbered_placement(
                self.nodes, self.hash_name, self.vnodes, self.balance, len(keys)
            )
        return self.place(keys)

    def place(self, keys: KeySet) -> np.ndarray:
        """:meth:`assign` without the shared cache of the lab's numbered key sets."""
        starts = self.ring.point_indices(keys.hashes32(self.hash_name)).tolist()
        return np.array(self._place(starts), dtype=np.int32)

    def _place(self, starts: list[int]) -> list[int]:
        cap = self.capacity(len(starts))
        owners = self.ring.points.owners.tolist()
        point_count = len(owners)
        points_of: list[list[int]] = [[] for _ in self.nodes]
        for point, owner in enumerate(owners):
            points_of[owner].append(point)
        # Union-find over ring points: next_open[p] leads to the first point at or after p
        # whose node still has room. A full node's points are linked to their successors,
        # so a key skips a run of full nodes in near-constant time instead of walking it.
        next_open = list(range(point_count))
        load = [0] * len(self.nodes)
        placed: list[int] = []
        append = placed.append
        for start in starts:
            point = start
            if next_open[point] != point:
                root = point
                while next_open[root] != root:
                    root = next_open[root]
                while next_open[point] != root:  # path compression
                    next_open[point], point = root, next_open[point]
                point = root
            node = owners[point]
            load[node] += 1
            append(node)
            if load[node] == cap and len(placed) < len(starts):
                for full_point in points_of[node]:
                    next_open[full_point] = (full_point + 1) % point_count
        return placed

    def assign_scalar(self, keys: Iterable[str]) -> list[str]:
        key_list = list(keys)
        cap = self.capacity(len(key_list))
        owners = self.ring.points.owners.tolist()
        load = [0] * len(self.nodes)
        result: list[str] = []
        for key in key_list:
            point = self.ring.point_index(hash32(key, self.hash_name))
            while load[owners[point]] >= cap:
                point = (point + 1) % len(owners)
            load[owners[point]] += 1
            result.append(self.nodes[owners[point]])
        return result


# Placing keys under bounded loads is a Python loop (about 0.3 s for a million keys), and one
# lab page needs the same placement twice: for the change report and for the ring picture.
# Only the lab's numbered key sets are cached: (count) describes them completely. Four
# placements of a million keys take 16 MB.
@lru_cache(maxsize=4)
def _numbered_placement(
    nodes: tuple[str, ...], hash_name: HashName, vnodes: int, balance: Decimal, count: int
) -> np.ndarray:
    ring = BoundedLoadRing(nodes, hash_name=hash_name, vnodes=vnodes, balance=balance)
    placed = ring.place(numbered_keys(count))
    placed.setflags(write=False)
    return placed
