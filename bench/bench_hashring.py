"""Micro-benchmarks of the consistent-hashing lab's engine. Prints figures, asserts nothing.

Run: .venv/bin/python bench/bench_hashring.py

"cold" includes hashing the key strings (a fresh key set); "warm" reuses the key set's
cached hashes, which is what a repeated lab request with the same key count pays.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from labs.hashring.algorithms import maglev_table  # noqa: E402
from labs.hashring.engine import (  # noqa: E402
    ALGORITHMS,
    HASH_NAMES,
    LIMITS,
    KeySet,
    LabParams,
    add_node,
    build_assigner,
    compare_algorithms,
    default_node_names,
    lookups_per_second,
    measure_hash_speed,
    numbered_keys,
    spread_vs_vnodes,
)
from labs.hashring.ring import HashRing, ring_points_for  # noqa: E402

NODES = 100
VNODES = 160
BALANCE = "1.25"


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def best_of(action: Callable[[], object], repeats: int = 3) -> float:
    return min(timed(action) for _ in range(repeats))


def bulk_assignment() -> None:
    print(f"Bulk assignment, {NODES} nodes, {VNODES} vnodes (ring, bounded), c={BALANCE}")
    print(f"{'algorithm':<11} {'hash':<5} {'keys':>9} {'cold keys/s':>13} {'warm keys/s':>13}")
    nodes = default_node_names(NODES)
    for algorithm in ALGORITHMS:
        count = LIMITS.max_keys_for(algorithm)
        for hash_name in HASH_NAMES:
            assigner = build_assigner(
                algorithm, nodes, hash_name=hash_name, vnodes=VNODES, balance=BALANCE
            )
            keys = KeySet.numbered(count)  # fresh: its hashes are not cached yet
            cold = timed(lambda a=assigner, k=keys: a.assign(k))
            warm = best_of(lambda a=assigner, k=keys: a.assign(k))
            print(
                f"{algorithm:<11} {hash_name:<5} {count:>9,} {count / cold:>13,.0f}"
                f" {count / warm:>13,.0f}"
            )


def key_hashing() -> None:
    print("\nHashing 1,000,000 numbered keys once (what 'cold' adds)")
    for hash_name in HASH_NAMES:
        for bits in (32, 64):
            keys = KeySet.numbered(1_000_000)
            method = keys.hashes32 if bits == 32 else keys.hashes64
            seconds = timed(lambda m=method, h=hash_name: m(h))
            print(f"  {hash_name:<5} {bits}-bit: {seconds * 1000:7.1f} ms")


def single_lookups() -> None:
    print(f"\nSingle lookups (plain-Python path), {NODES} nodes, keys/s")
    sample = [f"key-{i}" for i in range(0, 1_000_000, 5000)]
    for algorithm in ALGORITHMS:
        for hash_name in HASH_NAMES:
            assigner = build_assigner(
                algorithm, default_node_names(NODES), hash_name=hash_name, vnodes=VNODES
            )
            rate = lookups_per_second(assigner, sample, budget=0.2)
            print(f"  {algorithm:<11} {hash_name:<5} {rate:>12,.0f}")
    print("  (bounded: placing keys one by one with its reference walk)")


def ring_builds() -> None:
    print(f"\nRing build ({NODES} nodes, uncached)")
    for vnodes in (160, 200):
        for hash_name in HASH_NAMES:

            def build(v: int = vnodes, h: str = hash_name) -> None:
                ring_points_for.cache_clear()
                HashRing(default_node_names(NODES), hash_name=h, vnodes=v)

            print(f"  {vnodes} vnodes {hash_name:<5} {best_of(build) * 1000:7.1f} ms")


def clear_caches() -> None:
    ring_points_for.cache_clear()
    maglev_table.cache_clear()
    numbered_keys.cache_clear()


def cold_and_warm(action: Callable[[], object]) -> str:
    clear_caches()
    cold = timed(action)
    return f"first {cold:.3f} s, repeat {best_of(action):.3f} s"


def whole_requests() -> None:
    print("\nWhole lab computations at the limits (first call with empty caches, then repeated)")
    for algorithm in ("modulo", "ring", "bounded", "jump", "maglev"):
        for hash_name in HASH_NAMES:
            params = LabParams(
                algorithm=algorithm,
                hash_name=hash_name,
                nodes=NODES,
                keys=LIMITS.max_keys,
                vnodes=LIMITS.max_vnodes,
            )
            figures = cold_and_warm(lambda p=params: add_node(p))
            print(f"  add_node {algorithm:<10} {hash_name:<5} 1e6 keys x 100 nodes: {figures}")
    params = LabParams(algorithm="rendezvous", nodes=NODES, keys=LIMITS.max_keys_rendezvous)
    print(
        f"  add_node rendezvous mmh3  1e5 keys x 100 nodes: {cold_and_warm(lambda: add_node(params))}"
    )
    for nodes in (10, 100):
        for hash_name in HASH_NAMES:
            figures = cold_and_warm(lambda n=nodes, h=hash_name: spread_vs_vnodes(n, h))
            print(f"  spread_vs_vnodes {nodes:>3} nodes {hash_name:<5}: {figures}")
    params = LabParams(algorithm="ring", keys=LIMITS.max_keys_compare)
    print(
        f"  compare_algorithms 10 nodes 1e5 keys: {cold_and_warm(lambda: compare_algorithms(params))}"
    )


def hash_speed() -> None:
    start = time.perf_counter()
    speed = measure_hash_speed()
    elapsed = time.perf_counter() - start
    print(
        f"\nmd5 vs mmh3 (Python loop, {speed.sample:,} keys, best of 3, took {elapsed:.3f} s):"
        f" md5 {speed.md5_per_second:,.0f}/s, mmh3 {speed.mmh3_per_second:,.0f}/s,"
        f" mmh3 is {speed.ratio:.1f}x faster"
    )


if __name__ == "__main__":
    bulk_assignment()
    key_hashing()
    single_lookups()
    ring_builds()
    whole_requests()
    hash_speed()
