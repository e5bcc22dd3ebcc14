import hashlib

import mmh3
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from labs.hashring.hashes import (
    fmix64,
    fmix64_many,
    hash32,
    hash64,
    murmur3_32_rows,
    murmur3_x64_64_rows,
    numbered_key_rows,
    numbered_keys_mmh3_32,
    numbered_keys_mmh3_64,
    ring_points,
)
from labs.hashring.keys import KeySet, numbered_keys


@given(
    data=st.lists(st.binary(min_size=0, max_size=17), min_size=1, max_size=20),
    seed=st.integers(0, 2**32 - 1),
)
def test_vectorised_murmur3_equals_mmh3_for_every_length(data, seed):
    length = len(data[0])
    rows = [row[:length].ljust(length, b"x") for row in data]
    matrix = np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(len(rows), length)
    got = murmur3_32_rows(matrix, seed).tolist()
    assert got == [mmh3.hash(row, seed, signed=False) for row in rows]


@given(
    data=st.lists(st.binary(min_size=0, max_size=40), min_size=1, max_size=20),
    seed=st.integers(0, 2**32 - 1),
)
def test_vectorised_murmur3_x64_equals_mmh3_hash64_for_every_length(data, seed):
    length = len(data[0])
    rows = [row[:length].ljust(length, b"x") for row in data]
    matrix = np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(len(rows), length)
    got = murmur3_x64_64_rows(matrix, seed).tolist()
    assert got == [mmh3.hash64(row, seed, signed=False)[0] for row in rows]


def test_numbered_key_bytes_spell_the_decimal_numbers():
    for start, stop, digits in [
        (0, 10, 1),
        (3, 7, 1),
        (10, 100, 2),
        (123, 457, 3),
        (99_990, 100_000, 5),
    ]:
        rows = numbered_key_rows(b"key-", start, stop, digits)
        assert [bytes(r) for r in rows] == [b"key-%d" % i for i in range(start, stop)]


def test_numbered_keys_hash_like_mmh3_on_each_key_string():
    count = 12_345
    expected = [mmh3.hash(f"key-{i}", 0, signed=False) for i in range(count)]
    assert numbered_keys_mmh3_32("key-", count).tolist() == expected
    expected64 = [mmh3.hash64(f"key-{i}", 0, signed=False)[0] for i in range(count)]
    assert numbered_keys_mmh3_64("key-", count).tolist() == expected64


def test_md5_hashes_agree_whichever_width_is_asked_for_first():
    wide_first, narrow_first = KeySet.of(["a", "b", "c"]), KeySet.of(["a", "b", "c"])
    wide_first.hashes64("md5")
    narrow_first.hashes32("md5")
    for keys in (wide_first, narrow_first):
        assert keys.hashes32("md5").tolist() == [hash32(k, "md5") for k in "abc"]
        assert keys.hashes64("md5").tolist() == [hash64(k, "md5") for k in "abc"]


def test_mmh3_positions_are_unsigned_although_mmh3_hash_is_signed_by_default():
    signed = [mmh3.hash(f"key-{i}") for i in range(200)]
    assert min(signed) < 0  # the trap: the default is signed
    unsigned = [hash32(f"key-{i}", "mmh3") for i in range(200)]
    assert all(0 <= h < 2**32 for h in unsigned)
    assert [u - 2**32 if u >= 2**31 else u for u in unsigned] == signed


def test_md5_key_hash_is_the_first_four_digest_bytes_little_endian():
    digest = hashlib.md5(b"key-42").digest()
    assert hash32("key-42", "md5") == int.from_bytes(digest[:4], "little")
    assert hash64("key-42", "md5") == int.from_bytes(digest[:8], "little")


def test_md5_ring_points_follow_ketama_four_points_per_digest():
    points = ring_points("node-0", 6, "md5")
    first, second = hashlib.md5(b"node-0-0").digest(), hashlib.md5(b"node-0-1").digest()
    expected = [int.from_bytes(first[4 * i : 4 * i + 4], "little") for i in range(4)]
    expected += [int.from_bytes(second[4 * i : 4 * i + 4], "little") for i in range(2)]
    assert points == expected


def test_mmh3_ring_points_hash_one_label_per_point():
    assert ring_points("node-3", 3, "mmh3") == [
        mmh3.hash(f"node-3-{i}", 0, signed=False) for i in range(3)
    ]


@given(st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=30))
def test_vectorised_fmix64_equals_scalar(values):
    got = fmix64_many(np.array(values, dtype=np.uint64)).tolist()
    assert got == [fmix64(v) for v in values]


def test_key_set_hashes_match_the_scalar_hash_for_both_hashes():
    custom = KeySet.of(["alpha", "β-key", "", "key-7"])
    numbered = numbered_keys(300)
    for keys in (custom, numbered):
        for name in ("mmh3", "md5"):
            assert keys.hashes32(name).tolist() == [hash32(k, name) for k in keys]
            assert keys.hashes64(name).tolist() == [hash64(k, name) for k in keys]


def test_key_set_hash_arrays_are_read_only_and_cached():
    keys = KeySet.numbered(50)
    first = keys.hashes32("mmh3")
    assert keys.hashes32("mmh3") is first
    assert not first.flags.writeable


def test_numbered_keys_sample_is_evenly_spaced_and_deterministic():
    keys = KeySet.numbered(1000)
    assert keys.sample_indices(4) == [0, 250, 500, 750]
    assert keys.sample_indices(5000) == list(range(1000))
    assert keys.key(999) == "key-999"


def test_numbered_keys_with_any_prefix_hash_like_their_strings():
    keys = KeySet.numbered(25, prefix="p%d-ключ/")
    assert keys.key(3) == "p%d-ключ/3"
    for name in ("mmh3", "md5"):
        assert keys.hashes32(name).tolist() == [hash32(k, name) for k in keys]
        assert keys.hashes64(name).tolist() == [hash64(k, name) for k in keys]
