"""Key sets: an ordered list of keys whose hashes are computed once and then reused.

Hashing the keys is most of the cost of a bulk assignment, and a lab page asks for the same
default keys ("key-0" .. "key-(K-1)") over and over: :func:`numbered_keys` keeps the last few
key sets, so a second request with the same K only pays for the algorithm itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from functools import lru_cache

import numpy as np

from .hashes import (
    hash32_many,
    hash64_many,
    numbered_keys_md5_64,
    numbered_keys_mmh3_32,
    numbered_keys_mmh3_64,
)
from .limits import HashName

DEFAULT_KEY_PREFIX = "key-"


class KeySet:
    """An ordered, immutable collection of string keys with cached hash arrays.

    Build one with :meth:`numbered` (``key-0`` .. ``key-(count-1)``, never materialised as
    strings unless needed) or :meth:`of` (any list of keys). Hash arrays are read-only.
    """

    def __init__(self, count: int, keys: tuple[str, ...] | None, prefix: str) -> None:
        self._count = count
        self._keys = keys
        self._prefix = prefix
        self._hashes: dict[tuple[str, int], np.ndarray] = {}
        self._lock = threading.Lock()

    @classmethod
    def numbered(cls, count: int, prefix: str = DEFAULT_KEY_PREFIX) -> KeySet:
        if count < 0:
            raise ValueError("a key set cannot have a negative size")
        return cls(count, None, prefix)

    @classmethod
    def of(cls, keys: Sequence[str]) -> KeySet:
        return cls(len(keys), tuple(keys), "")

    @property
    def is_numbered(self) -> bool:
        return self._keys is None

    @property
    def prefix(self) -> str:
        """The prefix of a numbered set (``""`` for a set built from explicit keys)."""
        return self._prefix

    def __len__(self) -> int:
        return self._count

    def key(self, index: int) -> str:
        if not 0 <= index < self._count:
            raise IndexError(index)
        if self._keys is not None:
            return self._keys[index]
        return f"{self._prefix}{index}"

    def __iter__(self) -> Iterator[str]:
        if self._keys is not None:
            return iter(self._keys)
        return (f"{self._prefix}{i}" for i in range(self._count))

    def as_list(self) -> list[str]:
        return list(self)

    def sample_indices(self, size: int) -> list[int]:
        """``size`` evenly spaced key indices (all of them if the set is smaller)."""
        size = min(size, self._count)
        return [i * self._count // size for i in range(size)]

    def hashes32(self, hash_name: HashName) -> np.ndarray:
        """Unsigned 32-bit hash of every key (ring, modulo, bounded, Maglev)."""
        return self._cached(hash_name, 32)

    def hashes64(self, hash_name: HashName) -> np.ndarray:
        """Unsigned 64-bit hash of every key (jump, rendezvous)."""
        return self._cached(hash_name, 64)

    def _cached(self, hash_name: HashName, bits: int) -> np.ndarray:
        cache_key = (hash_name, bits)
        with self._lock:
            found = self._hashes.get(cache_key)
            if found is None:
                found = self._compute(hash_name, bits)
                found.setflags(write=False)
                self._hashes[cache_key] = found
            return found

    def _compute(self, hash_name: HashName, bits: int) -> np.ndarray:
        if hash_name == "md5":
            # The 32-bit md5 hash is the low half of the 64-bit one (both read the digest
            # little-endian), so md5, the slow one, runs once per key for both widths.
            wide = self._hashes.get(("md5", 64))
            if wide is None:
                if self._keys is None:
                    wide = numbered_keys_md5_64(self._prefix, self._count)
                else:
                    wide = hash64_many(self.as_list(), "md5")
                if bits == 32:
                    wide.setflags(write=False)
                    self._hashes[("md5", 64)] = wide
            return wide.astype(np.uint32) if bits == 32 else wide
        if self._keys is None:
            if bits == 32:
                return numbered_keys_mmh3_32(self._prefix, self._count)
            return numbered_keys_mmh3_64(self._prefix, self._count)
        keys = self.as_list()
        return hash32_many(keys, "mmh3") if bits == 32 else hash64_many(keys, "mmh3")


@lru_cache(maxsize=4)
def numbered_keys(count: int) -> KeySet:
    """The lab's default keys ``key-0`` .. ``key-(count-1)``, shared between requests.

    At most four sets are kept; a million keys with every hash cached is about 24 MB.
    """
    return KeySet.numbered(count)
