"""Ring geometry for drawing: where each vnode sits, and where a sample of keys lands.

Angles are degrees clockwise from the top of the ring (position 0), so a picture reads
like a clock face. Only the ring and bounded loads have a ring to draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .base import Assigner
from .keys import KeySet
from .limits import DEFAULTS, LIMITS, ParameterError
from .params import LabParams, next_node_name
from .ring import RING_SIZE, BoundedLoadRing, HashRing

PointState = Literal["kept", "added", "removed"]
PictureChange = Literal["none", "add", "remove"]


def angle_of(position: int) -> float:
    return position * 360 / RING_SIZE


@dataclass(frozen=True)
class RingPoint:
    angle: float
    position: int
    node: str
    node_index: int  # index in RingPicture.all_nodes (stable colour for the node)
    vnode: int
    state: PointState  # "added"/"removed": the changed node's points


@dataclass(frozen=True)
class SampledKey:
    key: str
    angle: float
    position: int
    before: str  # node before the change (the only node when there is no change)
    after: str  # node after the change
    moved: bool


@dataclass(frozen=True)
class RingPicture:
    algorithm: str
    hash_name: str
    vnodes: int
    change: PictureChange
    changed_node: str | None
    nodes_before: tuple[str, ...]
    nodes_after: tuple[str, ...]
    all_nodes: tuple[str, ...]
    points: tuple[RingPoint, ...]  # sorted by angle
    keys: tuple[SampledKey, ...]  # sorted by angle

    @property
    def moved_in_sample(self) -> int:
        return sum(key.moved for key in self.keys)


def ring_picture(
    params: LabParams,
    change: PictureChange = "none",
    node: str | None = None,
    sample_size: int = DEFAULTS.sample_keys,
) -> RingPicture:
    """Points and a deterministic sample of keys (evenly spaced key indices) for an SVG ring.

    ``change="add"`` adds ``node`` (default ``node-N``); ``"remove"`` removes ``node``.
    Raises :class:`ParameterError` when the ring has more than ``LIMITS.max_drawn_points``
    points (check first with ``LIMITS.ring_drawable``) or the algorithm has no ring.
    """
    if params.algorithm not in ("ring", "bounded"):
        raise ParameterError("algorithm", "only the ring and bounded loads have a ring to draw")
    return assigner_picture(params.assigner(), params.key_set(), change, node, sample_size)


def assigner_picture(
    before: HashRing | BoundedLoadRing,
    key_set: KeySet,
    change: PictureChange = "none",
    node: str | None = None,
    sample_size: int = DEFAULTS.sample_keys,
) -> RingPicture:
    """:func:`ring_picture` for a ring built by hand, e.g. over nodes with chosen names.

    The live room names its nodes after its visitors' choices, so it cannot describe its
    ring with :class:`LabParams` (whose nodes are always ``node-0`` .. ``node-(n-1)``).
    """
    if change not in ("none", "add", "remove"):
        raise ParameterError("change", f"one of none, add, remove, got {change!r}")
    if not isinstance(before, HashRing | BoundedLoadRing):
        raise ParameterError("algorithm", "only the ring and bounded loads have a ring to draw")
    if not 1 <= sample_size <= LIMITS.max_sample_keys:
        raise ParameterError("sample_size", f"between 1 and {LIMITS.max_sample_keys}")
    if not LIMITS.ring_drawable(len(before.nodes) + (change == "add"), before.vnodes):
        raise ParameterError(
            "vnodes", f"a drawn ring has at most {LIMITS.max_drawn_points} points in all"
        )
    after = _changed(before, change, node)
    changed_node = _changed_node(before, after)
    all_nodes = after.nodes if change == "add" else before.nodes
    index_of = {name: i for i, name in enumerate(all_nodes)}

    # The ring after the change, plus (for a removal) the departed node's points.
    points = [
        RingPoint(angle_of(position), position, name, index_of[name], vnode, state)
        for position, name, vnode in _ring_points(after)
        for state in ["added" if name == changed_node else "kept"]
    ]
    if change == "remove":
        points += [
            RingPoint(angle_of(position), position, name, index_of[name], vnode, "removed")
            for position, name, vnode in _ring_points(before)
            if name == changed_node
        ]
    points.sort(key=lambda p: (p.position, p.node_index))

    indices = key_set.sample_indices(sample_size)
    positions = key_set.hashes32(before.hash_name)[indices]
    owners_before = _owners(before, key_set, indices)
    owners_after = owners_before if after is before else _owners(after, key_set, indices)
    keys = [
        SampledKey(
            key=key_set.key(i),
            angle=angle_of(int(pos)),
            position=int(pos),
            before=b,
            after=a,
            moved=a != b,
        )
        for i, pos, b, a in zip(
            indices, positions.tolist(), owners_before, owners_after, strict=True
        )
    ]
    keys.sort(key=lambda k: (k.position, k.key))
    return RingPicture(
        algorithm=before.algorithm,
        hash_name=before.hash_name,
        vnodes=before.vnodes,
        change=change,
        changed_node=changed_node,
        nodes_before=before.nodes,
        nodes_after=after.nodes,
        all_nodes=all_nodes,
        points=tuple(points),
        keys=tuple(keys),
    )


def _changed(assigner: Assigner, change: PictureChange, node: str | None) -> Assigner:
    if change == "add":
        return assigner.with_node(node or next_node_name(assigner.nodes))
    if change == "remove":
        if node is None:
            raise ParameterError("node", "name the node to remove")
        return assigner.without_node(node)
    return assigner


def _changed_node(before: Assigner, after: Assigner) -> str | None:
    difference = set(before.nodes) ^ set(after.nodes)
    return difference.pop() if difference else None


def _ring_points(assigner: Assigner) -> list[tuple[int, str, int]]:
    """(position, node name, vnode number) of every point, in ring order."""
    ring = assigner.ring if isinstance(assigner, BoundedLoadRing) else assigner
    if not isinstance(ring, HashRing):
        raise TypeError(f"{assigner.algorithm} has no ring")
    return [
        (position, assigner.nodes[owner], vnode)
        for position, owner, vnode in zip(
            ring.points.positions.tolist(),
            ring.points.owners.tolist(),
            ring.points.vnode_ids.tolist(),
            strict=True,
        )
    ]


def _owners(assigner: Assigner, key_set: KeySet, indices: list[int]) -> list[str]:
    if isinstance(assigner, HashRing):
        # A ring key's owner depends on that key alone: look up only the sample.
        hashes = key_set.hashes32(assigner.hash_name)[indices]
        owner_indices = assigner.points.owners[assigner.point_indices(hashes)]
    else:
        # Bounded loads depends on every key before it: place them all, then read the sample.
        owner_indices = assigner.assign(key_set)[np.asarray(indices, dtype=np.int64)]
    return [assigner.nodes[i] for i in owner_indices.tolist()]
