"""One validated request to the lab, with the two ways the web layer needs to spell it.

``cache_key`` is the normalised form: parameters an algorithm ignores (virtual nodes for
modulo, c for anything but bounded loads) are left out, so ``?algorithm=jump&vnodes=5`` and
``?algorithm=jump`` share one cached result. ``query`` is what links carry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from .engine import DEFAULTS, Algorithm, HashName, LabParams

ChangeKind = Literal["", "add", "remove"]
VNODE_ALGORITHMS = frozenset({"ring", "bounded"})


@dataclass(frozen=True)
class Run:
    algorithm: Algorithm
    hash_name: HashName
    nodes: int
    keys: int
    vnodes: int
    balance: Decimal
    change: ChangeKind = ""
    node: str = ""  # the node added or removed; always set when there is a change

    @property
    def uses_vnodes(self) -> bool:
        return self.algorithm in VNODE_ALGORITHMS

    @property
    def uses_balance(self) -> bool:
        return self.algorithm == "bounded"

    @property
    def params(self) -> LabParams:
        return LabParams(
            algorithm=self.algorithm,
            hash_name=self.hash_name,
            nodes=self.nodes,
            keys=self.keys,
            vnodes=self.vnodes if self.uses_vnodes else DEFAULTS.vnodes,
            balance=self.balance if self.uses_balance else DEFAULTS.balance,
        )

    def cache_key(self) -> str:
        parts = [
            self.algorithm,
            self.hash_name,
            str(self.nodes),
            str(self.keys),
            str(self.vnodes) if self.uses_vnodes else "-",
            str(self.balance.normalize()) if self.uses_balance else "-",
            self.change or "-",
            self.node or "-",
        ]
        return ":".join(parts)

    def query(self) -> dict[str, str]:
        """URL parameters that reproduce this run, the ones the algorithm ignores left out."""
        query = {"algorithm": self.algorithm, "hash": self.hash_name, "nodes": str(self.nodes)}
        if self.uses_vnodes:
            query["vnodes"] = str(self.vnodes)
        query["keys"] = str(self.keys)
        if self.uses_balance:
            query["c"] = str(self.balance)
        if self.change:
            query["change"] = self.change
            query["node"] = self.node
        return query

    def without_change(self) -> Run:
        return replace(self, change="", node="")

    def with_change(self, change: ChangeKind, node: str) -> Run:
        return replace(self, change=change, node=node)
