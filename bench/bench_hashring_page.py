"""Server time of the consistent-hashing lab page and API, default and heaviest requests.

Run: .venv/bin/python bench/bench_hashring_page.py

"cold" empties every cache first (Django's cache and the engine's in-process ones: key
hashes, rings, Maglev tables, bounded placements, the hash-speed figure), which is what the
first reader of a new link pays; "warm" repeats the request, which is what a shared link
costs afterwards. "cpu" is the process's CPU time for the cold request: on a busy machine
the wall-clock figures grow, the CPU time much less. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbsite.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from labs.hashring import results, ring  # noqa: E402
from labs.hashring.algorithms import maglev_table  # noqa: E402
from labs.hashring.keys import numbered_keys  # noqa: E402

REQUESTS = [
    ("page, default view", "/en/labs/hashring/"),
    ("page, article: ring 10 nodes add", "/en/labs/hashring/?nodes=10&vnodes=160&keys=100000&change=add"),
    ("page, bounded 1e6 mmh3, 99x20 drawn, add", "/en/labs/hashring/?algorithm=bounded&nodes=99&vnodes=20&keys=1000000&change=add"),
    ("page, bounded 2.5e5 md5, 99x20 drawn, add", "/en/labs/hashring/?algorithm=bounded&hash=md5&nodes=99&vnodes=20&keys=250000&change=add"),
    ("page, jump 1e6 mmh3, 100 nodes, add", "/en/labs/hashring/?algorithm=jump&nodes=100&keys=1000000&change=add"),
    ("page, jump 2.5e5 md5, 100 nodes, add", "/en/labs/hashring/?algorithm=jump&hash=md5&nodes=100&keys=250000&change=add"),
    ("page, ring 2.5e5 md5, 100x200, add", "/en/labs/hashring/?hash=md5&nodes=100&vnodes=200&keys=250000&change=add"),
    ("page, rendezvous 1e5, 100 nodes, remove", "/en/labs/hashring/?algorithm=rendezvous&nodes=100&keys=100000&change=remove&node=node-50"),
    ("api, bounded 1e6 mmh3, 100x200, add", "/api/labs/hashring/?algorithm=bounded&nodes=100&vnodes=200&keys=1000000&change=add"),
    ("api, jump 2.5e5 md5, 100 nodes, add", "/api/labs/hashring/?algorithm=jump&hash=md5&nodes=100&keys=250000&change=add"),
]  # fmt: skip


def empty_every_cache() -> None:
    cache.clear()
    for cached in (numbered_keys, ring.ring_points_for, maglev_table, ring._numbered_placement):
        cached.cache_clear()
    results.hash_speed.cache_clear()


def timed(client: Client, url: str) -> tuple[float, float, int, int]:
    start, cpu_start = time.perf_counter(), time.process_time()
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip", REMOTE_ADDR=f"10.0.0.{id(url) % 250}")
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return wall, cpu, response.status_code, len(response.content)


def main() -> None:
    setup_test_environment()
    client = Client()
    empty_every_cache()
    timed(client, "/en/labs/hashring/?nodes=2&keys=10")  # imports, templates, numpy warm-up
    load = os.getloadavg()[0]
    print(f"Lab page and API server time (load average {load:.1f} on {os.cpu_count()} cores)")
    print(f"{'request':<44} {'cold s':>7} {'cpu s':>6} {'warm s':>7} {'status':>6} {'gzip KB':>8}")
    for label, url in REQUESTS:
        empty_every_cache()
        cold, cpu, status, size = timed(client, url)
        warm = min(timed(client, url)[0] for _ in range(3))
        print(f"{label:<44} {cold:>7.3f} {cpu:>6.3f} {warm:>7.3f} {status:>6} {size / 1024:>8.1f}")


if __name__ == "__main__":
    main()
