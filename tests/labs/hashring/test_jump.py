import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from labs.hashring.jump import jump_hash, jump_hash_many

# dgryski/go-jump jump_test.go, "Generated from the reference C++ code":
# bucket for num_buckets = 1, 2, 3, ...
REFERENCE_VECTORS = {
    0: [0] * 20,
    1: [0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17],
    0xDEADBEEF: [0, 1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16],
    0x0DDC0FFEEBADF00D: [0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 15, 15, 15, 15],
}


def test_scalar_jump_matches_the_reference_vectors():
    for key, expected in REFERENCE_VECTORS.items():
        assert [jump_hash(key, n) for n in range(1, len(expected) + 1)] == expected


def test_vectorised_jump_matches_the_reference_vectors():
    keys = np.array(list(REFERENCE_VECTORS), dtype=np.uint64)
    for n in range(1, 20):
        got = jump_hash_many(keys, n).tolist()
        assert got == [vector[n - 1] for vector in REFERENCE_VECTORS.values()]


@given(
    keys=st.lists(st.integers(min_value=0, max_value=2**64 - 1), min_size=1, max_size=50),
    buckets=st.integers(min_value=1, max_value=5000),
)
def test_vectorised_jump_equals_scalar_jump(keys, buckets):
    got = jump_hash_many(np.array(keys, dtype=np.uint64), buckets).tolist()
    assert got == [jump_hash(k, buckets) for k in keys]


def test_jump_only_moves_keys_to_the_new_bucket():
    keys = np.random.default_rng(7).integers(0, 2**63, size=20_000, dtype=np.uint64)
    before, after = jump_hash_many(keys, 10), jump_hash_many(keys, 11)
    moved = before != after
    assert set(after[moved].tolist()) == {10}
    assert abs(moved.mean() - 1 / 11) < 0.01


def test_jump_rejects_zero_buckets():
    for call in (lambda: jump_hash(1, 0), lambda: jump_hash_many(np.array([1], np.uint64), 0)):
        try:
            call()
        except ValueError:
            continue
        raise AssertionError("zero buckets accepted")
