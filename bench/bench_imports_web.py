"""Import-lab web figures: page server time (uncached and cached) and 429s under concurrent runs.

    .venv/bin/python bench/bench_imports_web.py [--repeat 20] [--concurrent 10]

1. In process (Django test client, no network): GET /en/labs/imports/?scenario=reload-stale
   with an empty cache (the run starts its interpreter) and again with the run cached.
2. Over HTTP against a fresh daphne on loopback: the same page's very first request (cold
   server), then cached requests.
3. `--concurrent` simultaneous POST /api/labs/imports/run/ with distinct steps (so none is
   cached): how many ran (200) and how many were turned away at once (429), with latencies.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbsite.settings")

PAGE = "/en/labs/imports/?scenario=reload-stale"
API = "/api/labs/imports/run/"


def milliseconds(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms"


def in_process(repeat: int) -> None:
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.get(PAGE)  # import everything once
    uncached, cached = [], []
    for _ in range(repeat):
        cache.clear()
        start = time.perf_counter()
        assert client.get(PAGE).status_code == 200
        uncached.append(time.perf_counter() - start)
        start = time.perf_counter()
        assert client.get(PAGE).status_code == 200
        cached.append(time.perf_counter() - start)
    print(f"in process, {PAGE}")
    print(f"  run not cached   {milliseconds(uncached)}   ({repeat} requests)")
    print(f"  run cached       {milliseconds(cached)}")


def fetch(url: str, data: bytes | None = None) -> tuple[int, float, bytes]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body, status = response.read(), response.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    return status, time.perf_counter() - start, body


def over_http(repeat: int, concurrent: int) -> None:
    from tests.live import start_live_site, stop_live_site

    site = start_live_site()
    try:
        status, first, _ = fetch(site.url + PAGE)
        cached = [fetch(site.url + PAGE)[1] for _ in range(repeat)]
        print(f"HTTP via daphne, {PAGE}")
        print(f"  first request on a fresh server: {first * 1000:.1f} ms (status {status})")
        print(f"  cached           {milliseconds(cached)}   ({repeat} requests)")

        results: list[tuple[int, float, str]] = []
        barrier = threading.Barrier(concurrent)

        def one(number: int) -> None:
            body = json.dumps(
                {"scenario": "import-twice", "steps": ["import demo", f"x = {number}", "print(x)"]}
            ).encode()
            barrier.wait()
            status, seconds, reply = fetch(site.url + API, body)
            results.append((status, seconds, json.loads(reply).get("error") or ""))

        threads = [threading.Thread(target=one, args=(n,)) for n in range(concurrent)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(f"{concurrent} concurrent API runs (distinct steps, nothing cached)")
        for code in sorted({status for status, _, _ in results}):
            times = [seconds for status, seconds, _ in results if status == code]
            print(f"  {code}: {len(times):2d} answers   {milliseconds(times)}")
        busy = next((error for status, _, error in results if status == 429), "")
        if busy:
            print(f"  429 message: {busy}")
    finally:
        stop_live_site(site)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--concurrent", type=int, default=10)
    args = parser.parse_args()
    in_process(args.repeat)
    over_http(args.repeat, args.concurrent)


if __name__ == "__main__":
    main()
