"""Modulo, jump, rendezvous and Maglev placement (the ring lives in ``ring.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property, lru_cache

import numpy as np

from .base import JumpRemovalError, StatelessAssigner
from .hashes import fmix64, fmix64_many, hash32, hash64, hash_pair
from .jump import jump_hash, jump_hash_many
from .keys import KeySet
from .limits import DEFAULTS, LIMITS, HashName


class ModuloHash(StatelessAssigner):
    """``hash(key) % n``: perfectly simple, and a change of n reshuffles almost everything.

    A key stays when going from n to n+1 nodes only if h % n == h % (n+1), which holds for
    n of every n(n+1) consecutive hash values: 1/(n+1) of keys stay, n/(n+1) move.
    """

    algorithm = "modulo"

    def rebuilt(self, nodes: Sequence[str]) -> ModuloHash:
        return ModuloHash(nodes, hash_name=self.hash_name)

    def lookup(self, key: str) -> str:
        return self.nodes[hash32(key, self.hash_name) % len(self.nodes)]

    def assign(self, keys: KeySet) -> np.ndarray:
        return (keys.hashes32(self.hash_name) % np.uint32(len(self.nodes))).astype(np.int32)


class JumpHash(StatelessAssigner):
    """Jump consistent hash over the 64-bit key hash; node i is bucket i."""

    algorithm = "jump"

    def rebuilt(self, nodes: Sequence[str]) -> JumpHash:
        return JumpHash(nodes, hash_name=self.hash_name)

    def without_node(self, name: str) -> JumpHash:
        index = self.node_index(name)
        if index != len(self.nodes) - 1:
            raise JumpRemovalError(
                "jump-removes-only-last-bucket",
                f"jump hash numbers its buckets 0..{len(self.nodes) - 1}; only the last one "
                f"({self.nodes[-1]!r}) can be removed, not {name!r}. Removing another would "
                "renumber the buckets after it and move their keys too.",
                algorithm=self.algorithm,
                node=name,
            )
        return super().without_node(name)

    def lookup(self, key: str) -> str:
        return self.nodes[jump_hash(hash64(key, self.hash_name), len(self.nodes))]

    def assign(self, keys: KeySet) -> np.ndarray:
        return jump_hash_many(keys.hashes64(self.hash_name), len(self.nodes))


class Rendezvous(StatelessAssigner):
    """Highest random weight: every node scores the key, the highest score wins.

    The score mixes the key's and the node's 64-bit hashes with MurmurHash3's finaliser, the
    same shape as dgryski/go-rendezvous (which uses a xorshift-multiply mixer). Removing a
    node leaves every other score unchanged, so only that node's keys move. Equal scores go to
    the node listed first, which keeps that guarantee when a node is appended.
    """

    algorithm = "rendezvous"
    _CHUNK = 8192  # keys per block: a block of scores stays small (8192 x 100 x 8 bytes)

    def rebuilt(self, nodes: Sequence[str]) -> Rendezvous:
        return Rendezvous(nodes, hash_name=self.hash_name)

    @cached_property
    def _node_hashes(self) -> list[int]:
        return [hash64(node, self.hash_name) for node in self.nodes]

    def lookup(self, key: str) -> str:
        key_hash = hash64(key, self.hash_name)
        best_index, best_score = 0, -1
        for index, node_hash in enumerate(self._node_hashes):
            score = fmix64(key_hash ^ node_hash)
            if score > best_score:
                best_index, best_score = index, score
        return self.nodes[best_index]

    def assign(self, keys: KeySet) -> np.ndarray:
        key_hashes = keys.hashes64(self.hash_name)
        node_hashes = np.array(self._node_hashes, dtype=np.uint64)
        result = np.empty(key_hashes.shape[0], dtype=np.int32)
        for start in range(0, key_hashes.shape[0], self._CHUNK):
            block = key_hashes[start : start + self._CHUNK, None] ^ node_hashes[None, :]
            result[start : start + self._CHUNK] = np.argmax(fmix64_many(block), axis=1)
        return result


@lru_cache(maxsize=16)
def maglev_table(nodes: tuple[str, ...], hash_name: HashName, size: int) -> np.ndarray:
    """Maglev's lookup table (Eisenbud et al., NSDI 2016, section 3.4, "Pseudocode 1").

    Each node walks its own permutation of the slots, (offset + j * skip) mod size, and the
    nodes take turns claiming their next free slot until the table is full. ``size`` must
    be prime so that every skip in 1..size-1 visits every slot.
    """
    offsets, skips = [], []
    for node in nodes:
        first, second = hash_pair(node, hash_name)
        offsets.append(first % size)
        skips.append(second % (size - 1) + 1)
    owner = [-1] * size
    tried = [0] * len(nodes)
    filled = 0
    while True:
        for index in range(len(nodes)):
            offset, skip, step = offsets[index], skips[index], tried[index]
            slot = (offset + step * skip) % size
            while owner[slot] >= 0:
                step += 1
                slot = (offset + step * skip) % size
            owner[slot] = index
            tried[index] = step + 1
            filled += 1
            if filled == size:
                table = np.array(owner, dtype=np.int32)
                table.setflags(write=False)
                return table


class Maglev(StatelessAssigner):
    """Maglev hashing: a key's slot is hash % table_size; the table maps slots to nodes.

    Balance is near perfect (each node gets table_size/n slots, give or take one) and a
    change moves close to the minimum, but not exactly: a few slots change hands between
    nodes that stayed, which the change analysis reports as moves between old nodes.
    """

    algorithm = "maglev"

    def __init__(
        self,
        nodes: Sequence[str],
        *,
        hash_name: HashName = DEFAULTS.hash_name,
        table_size: int = LIMITS.maglev_table_size,
    ) -> None:
        super().__init__(nodes, hash_name=hash_name)
        if table_size < 2 or any(table_size % d == 0 for d in range(2, int(table_size**0.5) + 1)):
            raise ValueError(f"the Maglev table size must be prime, got {table_size}")
        self.table_size = table_size
        self.table = maglev_table(self.nodes, hash_name, table_size)

    def rebuilt(self, nodes: Sequence[str]) -> Maglev:
        return Maglev(nodes, hash_name=self.hash_name, table_size=self.table_size)

    @cached_property
    def _table_list(self) -> list[int]:
        return self.table.tolist()

    def lookup(self, key: str) -> str:
        return self.nodes[self._table_list[hash32(key, self.hash_name) % self.table_size]]

    def assign(self, keys: KeySet) -> np.ndarray:
        return self.table[keys.hashes32(self.hash_name) % np.uint32(self.table_size)]
