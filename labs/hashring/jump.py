"""Jump consistent hash (Lamping & Veach, "A Fast, Minimal Memory, Consistent Hash
Algorithm", 2014), scalar and vectorised.

The scalar function transcribes the paper's C++ reference line by line, including its
double-precision arithmetic, so it reproduces the reference outputs bit for bit (the tests
check the vectors published with dgryski/go-jump, "generated from the reference C++ code").
"""

from __future__ import annotations

import numpy as np

_MULTIPLIER = 2862933555777941757  # the paper's 64-bit linear congruential step
_MASK64 = (1 << 64) - 1
_TWO_POW_31 = float(1 << 31)


def jump_hash(key: int, num_buckets: int) -> int:
    """Bucket in ``[0, num_buckets)`` for a 64-bit ``key``.

    Each step draws the next bucket the key would jump to as buckets are added; the last
    jump below ``num_buckets`` is the answer. Adding bucket n+1 moves exactly the keys whose
    next jump lands on it, so only 1/(n+1) of keys move and all of them to the new bucket.
    """
    if num_buckets < 1:
        raise ValueError("jump hash needs at least one bucket")
    key &= _MASK64
    bucket, candidate = -1, 0
    while candidate < num_buckets:
        bucket = candidate
        key = (key * _MULTIPLIER + 1) & _MASK64
        candidate = int((bucket + 1) * (_TWO_POW_31 / float((key >> 33) + 1)))
    return bucket


def jump_hash_many(keys: np.ndarray, num_buckets: int) -> np.ndarray:
    """:func:`jump_hash` of every key in a uint64 array, as int32 buckets.

    All keys step together. numpy's uint64 multiply wraps modulo 2**64 like C++, and the
    float64 arithmetic is the reference's ``double`` arithmetic in the same order, so the
    results equal the scalar path. A key whose next jump passes the last bucket is finished;
    finished keys are dropped from the working arrays once they are a large share of them
    (dropping them every round costs more than it saves).
    """
    if num_buckets < 1:
        raise ValueError("jump hash needs at least one bucket")
    state = np.array(keys, dtype=np.uint64)
    result = np.zeros(state.shape[0], dtype=np.int32)
    index = np.arange(state.shape[0])
    bucket = np.zeros(state.shape[0], dtype=np.float64)  # the reference's b, held exactly
    alive = np.ones(state.shape[0], dtype=bool)
    multiplier, one, shift = np.uint64(_MULTIPLIER), np.uint64(1), np.uint64(33)
    limit = float(num_buckets)
    while alive.any():
        state *= multiplier
        state += one
        # key >> 33 fits in 31 bits, so the int64 view is exact and converts faster than uint64.
        candidate = (state >> shift).view(np.int64).astype(np.float64)
        candidate += 1.0
        np.divide(_TWO_POW_31, candidate, out=candidate)
        candidate *= bucket + 1.0
        np.trunc(candidate, out=candidate)  # the reference's conversion to int64
        jumped = (candidate < limit) & alive
        finished = alive & ~jumped
        if finished.any():
            result[index[finished]] = bucket[finished]
        np.copyto(bucket, candidate, where=jumped)
        alive = jumped
        if np.count_nonzero(alive) < 0.6 * alive.size:
            index, state, bucket, alive = index[alive], state[alive], bucket[alive], alive[alive]
    return result
