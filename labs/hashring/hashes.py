"""Hash functions for keys and nodes: scalar reference versions and vectorised twins.

Every algorithm in the lab sees a key only through these functions, so "md5 vs mmh3" is one
switch. Two rules the lab teaches live here:

* ``mmh3.hash`` returns a *signed* 32-bit integer unless asked otherwise; a signed value would
  put half the keys at negative ring positions, so every call passes ``signed=False``.
* Python's built-in ``hash()`` is salted per process for ``str`` (PYTHONHASHSEED), so two
  processes would shard differently: it is never used.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable

import mmh3
import numpy as np

from .limits import HashName

MASK64 = (1 << 64) - 1


def hash32(data: str, hash_name: HashName) -> int:
    """Unsigned 32-bit hash of a string: a key's position on the ring.

    md5 takes the first four digest bytes little-endian, like libmemcached's ketama.
    """
    raw = data.encode()
    if hash_name == "mmh3":
        return mmh3.hash(raw, 0, signed=False)
    return int.from_bytes(hashlib.md5(raw).digest()[:4], "little")


def hash64(data: str, hash_name: HashName) -> int:
    """Unsigned 64-bit hash of a string: the key for jump hash and rendezvous."""
    raw = data.encode()
    if hash_name == "mmh3":
        return mmh3.hash64(raw, 0, signed=False)[0]
    return int.from_bytes(hashlib.md5(raw).digest()[:8], "little")


def hash_pair(data: str, hash_name: HashName) -> tuple[int, int]:
    """Two independent 64-bit hashes of a string (Maglev's offset and skip)."""
    raw = data.encode()
    if hash_name == "mmh3":
        first, second = mmh3.hash64(raw, 0, signed=False)
        return first, second
    digest = hashlib.md5(raw).digest()
    return int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little")


def vnode_label(node: str, index: int) -> str:
    # "<name>-<i>" as in ketama's "host-i"; splitting at the last "-" recovers (name, i), so
    # two different (node, i) pairs never share a label.
    return f"{node}-{index}"


def ring_points(node: str, count: int, hash_name: HashName) -> list[int]:
    """The ``count`` ring positions of one node.

    md5 follows ketama: one digest per label gives four 32-bit little-endian points, so 160
    points cost 40 digests. mmh3 gives one point per label.
    """
    if hash_name == "mmh3":
        return [mmh3.hash(vnode_label(node, i), 0, signed=False) for i in range(count)]
    points: list[int] = []
    for digest_index in range(math.ceil(count / 4)):
        digest = hashlib.md5(vnode_label(node, digest_index).encode()).digest()
        points.extend(int.from_bytes(digest[4 * a : 4 * a + 4], "little") for a in range(4))
    return points[:count]


def hash32_many(keys: list[str], hash_name: HashName) -> np.ndarray:
    """:func:`hash32` of each key, as a uint32 array (a Python loop over a C hash)."""
    if hash_name == "mmh3":
        return np.fromiter(
            (mmh3.hash(k, 0, signed=False) for k in keys), dtype=np.uint32, count=len(keys)
        )
    digests = b"".join([hashlib.md5(k.encode()).digest()[:4] for k in keys])
    return np.frombuffer(digests, dtype="<u4").astype(np.uint32)


def hash64_many(keys: list[str], hash_name: HashName) -> np.ndarray:
    """:func:`hash64` of each key, as a uint64 array."""
    if hash_name == "mmh3":
        return np.fromiter(
            (mmh3.hash64(k, 0, signed=False)[0] for k in keys), dtype=np.uint64, count=len(keys)
        )
    digests = b"".join([hashlib.md5(k.encode()).digest()[:8] for k in keys])
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64)


# MurmurHash3_x86_32 constants (Austin Appleby's reference, public domain).
_C1 = np.uint32(0xCC9E2D51)
_C2 = np.uint32(0x1B873593)


def _rotl32(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def murmur3_32_rows(rows: np.ndarray, seed: int = 0) -> np.ndarray:
    """MurmurHash3_x86_32 of every row of a ``(count, length)`` uint8 matrix, vectorised.

    Equal to ``mmh3.hash(bytes(row), seed, signed=False)`` for each row (tested). It exists so
    a million numbered keys hash in milliseconds instead of a Python loop of C calls.
    """
    count, length = rows.shape
    h = np.full(count, seed, dtype=np.uint32)
    blocks = length // 4
    if blocks:
        words = np.ascontiguousarray(rows[:, : 4 * blocks]).view("<u4").astype(np.uint32)
        for b in range(blocks):
            k = words[:, b] * _C1
            k = _rotl32(k, 15) * _C2
            h ^= k
            h = _rotl32(h, 13) * np.uint32(5) + np.uint32(0xE6546B64)
    tail = rows[:, 4 * blocks :].astype(np.uint32)
    if tail.shape[1]:
        k = np.zeros(count, dtype=np.uint32)
        for i in reversed(range(tail.shape[1])):
            k ^= tail[:, i] << np.uint32(8 * i)
        h ^= _rotl32(k * _C1, 15) * _C2
    h ^= np.uint32(length & 0xFFFFFFFF)
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


def numbered_key_rows(prefix: bytes, start: int, stop: int, digits: int) -> np.ndarray:
    """The bytes of ``prefix + str(i)`` for ``start <= i < stop``, all with ``digits`` digits."""
    rows = np.empty((stop - start, len(prefix) + digits), dtype=np.uint8)
    rows[:, : len(prefix)] = np.frombuffer(prefix, dtype=np.uint8)
    ascii_digits = np.arange(ord("0"), ord("9") + 1, dtype=np.uint8)
    for position in range(digits):
        # The digit at this position repeats each value `run` times, cycling through 0-9:
        # tiling that pattern is several times faster than integer division per number.
        run = 10 ** (digits - 1 - position)
        first_cycle, offset = divmod(start, 10 * run)
        cycles = -(-(stop - first_cycle * 10 * run) // (10 * run))
        pattern = np.tile(np.repeat(ascii_digits, run), cycles)
        rows[:, len(prefix) + position] = pattern[offset : offset + stop - start]
    return rows


def _numbered_keys_hash(
    prefix: str, count: int, row_hash: Callable[[np.ndarray], np.ndarray], dtype: type
) -> np.ndarray:
    raw_prefix = prefix.encode()
    out = np.empty(count, dtype=dtype)
    start, digits = 0, 1
    while start < count:
        stop = min(count, 10**digits)
        out[start:stop] = row_hash(numbered_key_rows(raw_prefix, start, stop, digits))
        start, digits = stop, digits + 1
    return out


def numbered_keys_mmh3_32(prefix: str, count: int) -> np.ndarray:
    """mmh3 (unsigned) of ``prefix0 .. prefix<count-1>`` without building a single string."""
    return _numbered_keys_hash(prefix, count, murmur3_32_rows, np.uint32)


def numbered_keys_mmh3_64(prefix: str, count: int) -> np.ndarray:
    """``mmh3.hash64(key, signed=False)[0]`` of ``prefix0 .. prefix<count-1>``, vectorised."""
    return _numbered_keys_hash(prefix, count, murmur3_x64_64_rows, np.uint64)


def numbered_keys_md5_64(prefix: str, count: int) -> np.ndarray:
    """:func:`hash64` with md5 of ``prefix0 .. prefix<count-1>``.

    MD5 cannot be vectorised usefully; formatting bytes directly and keeping whole digests
    (then reading every other 8-byte word) skips two temporary objects per key.
    """
    template = prefix.encode().replace(b"%", b"%%") + b"%d"
    md5 = hashlib.md5
    digests = b"".join([md5(template % i).digest() for i in range(count)])
    return np.frombuffer(digests, dtype="<u8")[::2].astype(np.uint64)


# MurmurHash3_x64_128 constants.
_K1 = np.uint64(0x87C37B91114253D5)
_K2 = np.uint64(0x4CF5AD432745937F)


def _rotl64(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint64(r)) | (x >> np.uint64(64 - r))


def _little_endian_words(columns: np.ndarray) -> np.ndarray:
    """Up to 8 byte columns (low byte first) combined into one uint64 per row."""
    word = np.zeros(columns.shape[0], dtype=np.uint64)
    for i in range(columns.shape[1]):
        word |= columns[:, i].astype(np.uint64) << np.uint64(8 * i)
    return word


def murmur3_x64_64_rows(rows: np.ndarray, seed: int = 0) -> np.ndarray:
    """First 64 bits of MurmurHash3_x64_128 of every row of a uint8 matrix, vectorised.

    Equal to ``mmh3.hash64(bytes(row), seed, signed=False)[0]`` (tested); jump hash and
    rendezvous take this 64-bit key hash.
    """
    count, length = rows.shape
    h1 = np.full(count, seed, dtype=np.uint64)
    h2 = np.full(count, seed, dtype=np.uint64)
    blocks = length // 16
    for b in range(blocks):
        k1 = _little_endian_words(rows[:, 16 * b : 16 * b + 8])
        k2 = _little_endian_words(rows[:, 16 * b + 8 : 16 * b + 16])
        h1 ^= _rotl64(k1 * _K1, 31) * _K2
        h1 = (_rotl64(h1, 27) + h2) * np.uint64(5) + np.uint64(0x52DCE729)
        h2 ^= _rotl64(k2 * _K2, 33) * _K1
        h2 = (_rotl64(h2, 31) + h1) * np.uint64(5) + np.uint64(0x38495AB5)
    tail = rows[:, 16 * blocks :]
    if tail.shape[1] > 8:
        h2 ^= _rotl64(_little_endian_words(tail[:, 8:]) * _K2, 33) * _K1
    if tail.shape[1] > 0:
        h1 ^= _rotl64(_little_endian_words(tail[:, :8]) * _K1, 31) * _K2
    h1 ^= np.uint64(length)
    h2 ^= np.uint64(length)
    h1 += h2
    h2 += h1
    h1 = fmix64_many(h1)
    h2 = fmix64_many(h2)
    return h1 + h2


def fmix64(x: int) -> int:
    """MurmurHash3's 64-bit finaliser: every input bit flips each output bit with p ~ 1/2."""
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & MASK64
    x ^= x >> 33
    x = (x * 0xC4CEB9FE1A85EC53) & MASK64
    x ^= x >> 33
    return x


def fmix64_many(x: np.ndarray) -> np.ndarray:
    """:func:`fmix64` on a uint64 array (numpy's uint64 multiply wraps modulo 2**64)."""
    shift = np.uint64(33)
    x = x ^ (x >> shift)
    x = x * np.uint64(0xFF51AFD7ED558CCD)
    x ^= x >> shift
    x *= np.uint64(0xC4CEB9FE1A85EC53)
    x ^= x >> shift
    return x
