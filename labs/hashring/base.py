"""What every placement algorithm offers, and the errors a membership change can raise."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import ClassVar, Self

import numpy as np

from .keys import KeySet
from .limits import DEFAULTS, LIMITS, Algorithm, HashName, ParameterError, check_node_names


class ChangeRefused(ValueError):
    """A membership change the algorithm cannot make.

    ``reason`` is a stable code for the web layer to translate: ``"unknown-node"``,
    ``"node-exists"``, ``"too-many-nodes"``, ``"invalid-name"``, ``"last-node"`` or
    ``"jump-removes-only-last-bucket"``.
    """

    def __init__(self, reason: str, message: str, *, algorithm: str, node: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.algorithm = algorithm
        self.node = node


class JumpRemovalError(ChangeRefused):
    """Jump hash numbers its buckets 0..n-1: only the last bucket can go away."""


class Assigner(ABC):
    """A placement algorithm over a fixed, ordered list of node names.

    ``assign`` is the bulk path: one int32 node index per key, in key order. ``assign_scalar``
    is the plain-Python reference path, key by key, kept to check the bulk path against.
    """

    algorithm: ClassVar[Algorithm]

    def __init__(self, nodes: Sequence[str], *, hash_name: HashName = DEFAULTS.hash_name) -> None:
        # One node beyond the form's limit, so a node can join the largest allowed cluster.
        check_node_names(nodes, LIMITS.max_nodes + 1)
        self.nodes: tuple[str, ...] = tuple(nodes)
        self.hash_name: HashName = hash_name

    @abstractmethod
    def assign(self, keys: KeySet) -> np.ndarray: ...

    @abstractmethod
    def assign_scalar(self, keys: Iterable[str]) -> list[str]: ...

    @abstractmethod
    def rebuilt(self, nodes: Sequence[str]) -> Self:
        """The same algorithm and parameters over another node list."""

    def node_index(self, name: str) -> int:
        try:
            return self.nodes.index(name)
        except ValueError:
            raise ChangeRefused(
                "unknown-node",
                f"there is no node named {name!r}",
                algorithm=self.algorithm,
                node=name,
            ) from None

    def with_node(self, name: str) -> Self:
        if name in self.nodes:
            raise ChangeRefused(
                "node-exists",
                f"a node named {name!r} already exists",
                algorithm=self.algorithm,
                node=name,
            )
        if len(self.nodes) > LIMITS.max_nodes:
            raise ChangeRefused(
                "too-many-nodes",
                f"at most {LIMITS.max_nodes + 1} nodes after adding one",
                algorithm=self.algorithm,
                node=name,
            )
        try:
            return self.rebuilt((*self.nodes, name))
        except ParameterError as error:  # an empty or overlong name
            raise ChangeRefused(
                "invalid-name", error.message, algorithm=self.algorithm, node=name
            ) from None

    def without_node(self, name: str) -> Self:
        index = self.node_index(name)
        if len(self.nodes) == 1:
            raise ChangeRefused(
                "last-node",
                "cannot remove the only node",
                algorithm=self.algorithm,
                node=name,
            )
        return self.rebuilt(self.nodes[:index] + self.nodes[index + 1 :])


class StatelessAssigner(Assigner):
    """An algorithm where a key's node depends on the key alone (not on other keys)."""

    @abstractmethod
    def lookup(self, key: str) -> str: ...

    def assign_scalar(self, keys: Iterable[str]) -> list[str]:
        return [self.lookup(key) for key in keys]
