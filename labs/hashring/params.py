"""The lab's parameters as one validated object, and building an algorithm from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .algorithms import JumpHash, Maglev, ModuloHash, Rendezvous
from .base import Assigner
from .keys import KeySet, numbered_keys
from .limits import DEFAULTS, Algorithm, HashName, as_balance, check_params
from .ring import BoundedLoadRing, HashRing


def default_node_names(count: int) -> tuple[str, ...]:
    return tuple(f"node-{i}" for i in range(count))


def next_node_name(nodes: Sequence[str]) -> str:
    """``node-N`` for N nodes, or the next free ``node-k`` if that name is taken."""
    index = len(nodes)
    while f"node-{index}" in nodes:
        index += 1
    return f"node-{index}"


def build_assigner(
    algorithm: Algorithm,
    nodes: Sequence[str],
    *,
    hash_name: HashName = DEFAULTS.hash_name,
    vnodes: int = DEFAULTS.vnodes,
    balance: float | str | Decimal = DEFAULTS.balance,
) -> Assigner:
    """The named algorithm over ``nodes``; parameters it does not use are ignored."""
    if algorithm == "modulo":
        return ModuloHash(nodes, hash_name=hash_name)
    if algorithm == "ring":
        return HashRing(nodes, hash_name=hash_name, vnodes=vnodes)
    if algorithm == "jump":
        return JumpHash(nodes, hash_name=hash_name)
    if algorithm == "rendezvous":
        return Rendezvous(nodes, hash_name=hash_name)
    if algorithm == "bounded":
        return BoundedLoadRing(nodes, hash_name=hash_name, vnodes=vnodes, balance=balance)
    if algorithm == "maglev":
        return Maglev(nodes, hash_name=hash_name)
    raise ValueError(f"unknown algorithm {algorithm!r}")


@dataclass(frozen=True)
class LabParams:
    """One run of the lab: which algorithm, how many nodes and keys, and its knobs.

    Creating one validates it against :data:`limits.LIMITS` and raises
    :class:`limits.ParameterError` naming the first bad field; a form's cleaned data maps
    onto it field by field. Keys are ``key-0`` .. ``key-(keys-1)``, nodes ``node-0`` ..
    ``node-(nodes-1)``.
    """

    algorithm: Algorithm = DEFAULTS.algorithm
    hash_name: HashName = DEFAULTS.hash_name
    nodes: int = DEFAULTS.nodes
    keys: int = DEFAULTS.keys
    vnodes: int = DEFAULTS.vnodes
    balance: Decimal = field(default=DEFAULTS.balance)

    def __post_init__(self) -> None:
        object.__setattr__(self, "balance", as_balance(self.balance))
        check_params(
            algorithm=self.algorithm,
            hash_name=self.hash_name,
            nodes=self.nodes,
            keys=self.keys,
            vnodes=self.vnodes,
            balance=self.balance,
        )

    @property
    def node_names(self) -> tuple[str, ...]:
        return default_node_names(self.nodes)

    def key_set(self) -> KeySet:
        return numbered_keys(self.keys)

    def assigner(self) -> Assigner:
        return build_assigner(
            self.algorithm,
            self.node_names,
            hash_name=self.hash_name,
            vnodes=self.vnodes,
            balance=self.balance,
        )
