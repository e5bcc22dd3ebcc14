"""The consistent-hashing lab's engine: the one module the views and the JSON API import.

Pure Python and numpy, no Django. Everything is deterministic for the same parameters
except the figures that are timings (lookups per second, the md5/mmh3 speed ratio).

Typical use::

    params = LabParams(algorithm="ring", nodes=10, keys=100_000, vnodes=160)
    stats = load(params)                    # LoadStats: keys per node, spread
    report = add_node(params)               # ChangeReport: what node-10 takes
    report = remove_node(params, "node-3")  # JumpRemovalError for jump unless the last node
    picture = ring_picture(params, "add")   # RingPicture for labs.hashring.charts.ring_svg
    curve = spread_vs_vnodes(nodes=10)      # SpreadCurve: measured vs theory
    table = compare_algorithms(params)      # AlgorithmSummary per algorithm
    speed = measure_hash_speed()            # HashSpeed: md5 vs mmh3 in Python

Bad parameters raise ``ParameterError`` (with ``.field``); impossible changes raise
``ChangeRefused`` (with a stable ``.reason`` code). Both are ``ValueError`` subclasses.
"""

from __future__ import annotations

import numpy as np

from .base import Assigner, ChangeRefused, JumpRemovalError
from .experiments import (
    SPREAD_KEYS,
    SPREAD_VNODE_COUNTS,
    AlgorithmSummary,
    HashSpeed,
    SpreadCurve,
    SpreadPoint,
    compare_algorithms,
    lookups_per_second,
    measure_hash_speed,
    spread_vs_vnodes,
)
from .keys import KeySet, numbered_keys
from .limits import (
    ALGORITHMS,
    DEFAULTS,
    HASH_NAMES,
    LIMITS,
    LIVE,
    Algorithm,
    HashName,
    ParameterError,
    check_params,
)
from .params import LabParams, build_assigner, default_node_names, next_node_name
from .picture import RingPicture, RingPoint, SampledKey, assigner_picture, ring_picture
from .stats import (
    ChangeReport,
    Flow,
    LoadStats,
    analyse_change,
    load_stats,
    theoretical_spread_percent,
)

__all__ = [
    "ALGORITHMS",
    "DEFAULTS",
    "HASH_NAMES",
    "LIMITS",
    "LIVE",
    "SPREAD_KEYS",
    "SPREAD_VNODE_COUNTS",
    "Algorithm",
    "AlgorithmSummary",
    "Assigner",
    "ChangeRefused",
    "ChangeReport",
    "Flow",
    "HashName",
    "HashSpeed",
    "JumpRemovalError",
    "KeySet",
    "LabParams",
    "LoadStats",
    "ParameterError",
    "RingPicture",
    "RingPoint",
    "SampledKey",
    "SpreadCurve",
    "SpreadPoint",
    "add_node",
    "analyse_change",
    "assigner_picture",
    "assign",
    "build_assigner",
    "check_params",
    "compare_algorithms",
    "default_node_names",
    "load",
    "load_stats",
    "lookups_per_second",
    "measure_hash_speed",
    "next_node_name",
    "numbered_keys",
    "remove_node",
    "ring_picture",
    "spread_vs_vnodes",
    "theoretical_spread_percent",
]


def assign(params: LabParams) -> np.ndarray:
    """Node index (into ``params.node_names``) of every key, in key order."""
    return params.assigner().assign(params.key_set())


def load(params: LabParams) -> LoadStats:
    return load_stats(assign(params), params.node_names)


def add_node(params: LabParams, node: str | None = None) -> ChangeReport:
    """What adding ``node`` (default ``node-N``) to ``params.nodes`` nodes moves."""
    before = params.assigner()
    return analyse_change(
        before, before.with_node(node or next_node_name(before.nodes)), params.key_set()
    )


def remove_node(params: LabParams, node: str) -> ChangeReport:
    """What removing the named node moves; jump refuses any node but the last."""
    before = params.assigner()
    return analyse_change(before, before.without_node(node), params.key_set())
