"""Benchmarks of the RNG lab's web layer: prints figures, asserts nothing.

* the page's time to first byte, total time and size for the default view (and a heavy one);
* the battery over SSE end to end (100 sequences x 10,000 bits) through a real daphne;
* how long the consumer takes to stop a battery after the client disconnects (in-process).

Run: .venv/bin/python bench/bench_rng_web.py [--url http://127.0.0.1:8000]
Without --url it starts its own daphne on a fresh database (tests/live.py).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    ("default page /zh-hans/labs/rng/", "/zh-hans/labs/rng/"),
    ("RANDU, 30,000 outputs", "/en/labs/rng/?generator=randu&seed=1&n=30000"),
    ("CSPRNG, 200,000 outputs (the bound)", "/en/labs/rng/?generator=csprng&n=200000"),
]
BATTERY = "/sse/labs/rng/battery/?generator=mt19937&seed=5489&sequences=100&bits=10000&lang=en"


def fetch(base: str, path: str) -> tuple[float, float, int, int]:
    """(seconds to the first byte, seconds in all, body bytes, status) of one GET, read to the end."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    start = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    first = response.read(1)
    first_byte = time.perf_counter() - start
    body = first + response.read()
    total = time.perf_counter() - start
    connection.close()
    return first_byte, total, len(body), response.status


def median_of(runs: int, base: str, path: str) -> tuple[float, float, int, int]:
    fetch(base, path)  # warm up: imports, template cache
    results = [fetch(base, path) for _ in range(runs)]
    return (
        statistics.median(r[0] for r in results),
        statistics.median(r[1] for r in results),
        results[-1][2],
        results[-1][3],
    )


def bench_http(base: str) -> None:
    for label, path in PAGES:
        first, total, size, status = median_of(15, base, path)
        print(
            f"{label:42} {status}  first byte {first * 1000:6.1f} ms  "
            f"total {total * 1000:6.1f} ms  {size / 1024:6.1f} KiB"
        )
    first, total, size, status = median_of(15, base, BATTERY)
    print(
        f"{'battery over SSE, 100 x 10,000 bits':42} {status}  first byte {first * 1000:6.1f} ms  "
        f"total {total * 1000:6.1f} ms  {size / 1024:6.1f} KiB (end to end, stream closed)"
    )


async def cancel_latency(repeats: int = 5) -> list[float]:
    """Seconds from http.disconnect to the consumer's end, with a battery that never finishes."""
    from channels.testing import ApplicationCommunicator

    from labs.rng import consumers, stats

    class Endless:
        def __iter__(self):
            return self

        def __next__(self):
            time.sleep(0.002)
            return stats.Progress(1, 2, "monobit")

    consumers.start_battery = lambda form: Endless()
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/sse/labs/rng/battery/",
        "query_string": b"lang=en",
        "headers": [],
        "client": ("127.0.0.1", 1),
    }
    timings = []
    for _ in range(repeats):
        communicator = ApplicationCommunicator(consumers.BatteryConsumer.as_asgi(), scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        await communicator.receive_output(2)  # headers
        await asyncio.sleep(0.3)  # well into the battery
        start = time.perf_counter()
        await communicator.send_input({"type": "http.disconnect"})
        await communicator.wait(timeout=5)
        timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="a running site; default: start one with tests/live.py")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbsite.settings")
    site = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        from tests.live import start_live_site

        site = start_live_site()
        base = site.url
    try:
        print(f"site: {base} ({os.cpu_count()} CPUs)")
        bench_http(base)
    finally:
        if site is not None:
            from tests.live import stop_live_site

            stop_live_site(site)
    import django

    django.setup()
    timings = asyncio.run(cancel_latency())
    print(
        f"{'cancel: disconnect -> consumer stopped':42}      median "
        f"{statistics.median(timings) * 1000:6.1f} ms  max {max(timings) * 1000:6.1f} ms "
        "(target: within ~1 s)"
    )


if __name__ == "__main__":
    main()
