"""Streaming lab under load: one daphne process, loopback only, every run bounded in time.

    .venv/bin/python bench/bench_streaming.py [--streams 3000] [--seconds 20] [--part all]
                                              [--server both|shipped|frozen]

Parts (``--part``, default ``all``):

* ``ws``: WebSocket echo round trip (median, p99) on one connection and round trips per second
  with 100 connections, for the lab's Channels echo and for a plain ``websockets`` echo server
  (bench/ws_echo.py) measured in the same run. Targets: median ≤ 3× the anchor, ≥ 5,000/s.
* ``sse``: ``--streams`` event streams, one event per second for ``--seconds``; how many stay
  connected, the share of events delivered, event lag against the server's schedule, and the
  daphne process's RSS growth per connection. Targets: all connected, ≥ 95 %, p99 ≤ 50 ms,
  ≤ 25 KB per connection.
* ``stop``: time from a client closing its stream to its slot being free again (the consumer has
  read ``http.disconnect`` and stopped). Target: < 1 s.
* ``silent``: broadcast subscribers that never read, then twice as many broadcasts as a stream
  may carry; RSS after each half shows whether server memory keeps growing.

With ``--server both`` (the default) the ``sse`` part runs twice: on daphne as ``make run``
starts it, and on daphne started by bench/daphne_frozen.py, which calls ``gc.freeze()`` after
the imports; the difference is the cost of full garbage collections over the import-time heap.
Latency figures depend on what else the machine runs; the server CPU time per operation printed
beside them does not.

Clients bind to 127.1.x.y / 127.2.x.y source addresses (5 streams per address, under the
default cap of 6), so the server runs with its default settings. Prints figures; never fails.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sse_load  # noqa: E402
import ws_echo  # noqa: E402

from labs.streaming.limits import (  # noqa: E402
    BROADCAST_MAX_EVENTS_PER_STREAM,
    BROADCAST_MESSAGE_MAX_CHARS,
    BROADCAST_PER_MINUTE,
    SSE_MAX_STREAMS_PER_CLIENT,
)

PYTHON = Path(sys.executable)
DAPHNE = PYTHON.parent / "daphne"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


class Servers:
    """daphne serving kbsite (on a throwaway SQLite database) and the anchor echo server.

    ``frozen`` starts daphne through bench/daphne_frozen.py (gc.freeze() after the imports).
    """

    def __init__(self, workdir: Path, *, frozen: bool) -> None:
        self.workdir = workdir
        self.frozen = frozen
        self.env = {
            k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "KB_SSE_MAX_PER_CLIENT")
        }
        self.env.update(
            DATABASE_URL=f"sqlite:///{self.workdir / 'bench.sqlite3'}",
            KB_DEBUG="0",
            KB_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SETTINGS_MODULE="kbsite.settings",
        )
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        if not (self.workdir / "bench.sqlite3").exists():
            subprocess.run(
                [str(PYTHON), "manage.py", "migrate", "--noinput"],
                cwd=ROOT, env=self.env, check=True, capture_output=True, timeout=120,
            )  # fmt: skip
        self.port = free_port()
        launcher = [str(DAPHNE)]
        if self.frozen:
            launcher = [str(PYTHON), str(ROOT / "bench" / "daphne_frozen.py")]
        self.daphne = subprocess.Popen(
            [
                *launcher, "-b", "127.0.0.1", "-p", str(self.port),
                "--websocket-max-message-size", "65536", "kbsite.asgi:application",
            ],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
            stderr=open(self.workdir / "daphne.log", "wb"),  # noqa: SIM115 - lives as long as daphne
        )  # fmt: skip
        self.processes.append(self.daphne)
        self.url = f"http://127.0.0.1:{self.port}"
        wait_for(f"{self.url}/healthz", self.daphne)
        self.anchor_port = free_port()
        self.anchor = anchor = subprocess.Popen(
            [str(PYTHON), str(ROOT / "bench" / "ws_echo.py"), "serve", str(self.anchor_port)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.processes.append(anchor)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.anchor_port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


# --- parts ------------------------------------------------------------------------------------


async def bench_ws(servers: Servers, round_trips: int, connections: int, seconds: float) -> None:
    lab = (
        f"ws://127.0.0.1:{servers.port}/ws/labs/streaming/echo/",
        servers.url,
        servers.daphne.pid,
    )
    anchor = (f"ws://127.0.0.1:{servers.anchor_port}/", servers.url, servers.anchor.pid)
    print(
        f"\nWebSocket echo, 16-byte messages ({round_trips} sequential round trips; "
        f"{connections} connections for {seconds:g} s)"
    )
    results = {}
    for name, (url, origin, pid) in (("channels echo (daphne)", lab), ("plain websockets", anchor)):
        latency = ws_echo.describe(await ws_echo.round_trips(url, origin, round_trips))
        cpu_before = cpu_seconds(pid)
        done, elapsed = await ws_echo.throughput(url, origin, connections, seconds)
        # Server CPU per round trip does not depend on how busy the rest of the machine is.
        cpu_per_trip = (cpu_seconds(pid) - cpu_before) / done * 1e6
        results[name] = (latency, done / elapsed)
        print(
            f"  {name:24s} median {latency['median']:.3f} ms  p99 {latency['p99']:.3f} ms  "
            f"{done / elapsed:,.0f} round trips/s  (server CPU {cpu_per_trip:.0f} µs per round trip, "
            f"{1e6 / cpu_per_trip:,.0f}/s per core)"
        )
    lab_latency, lab_rate = results["channels echo (daphne)"]
    anchor_latency, _ = results["plain websockets"]
    ratio = lab_latency["median"] / anchor_latency["median"]
    print(
        f"  median ratio {ratio:.2f}× the anchor (target ≤ 3×); "
        f"throughput {lab_rate:,.0f}/s (target ≥ 5,000/s)"
    )


async def bench_sse(servers: Servers, streams: int, seconds: int) -> None:
    count = seconds + 1  # events at 0, 1, …, seconds
    path = f"/sse/labs/streaming/events/?count={count}&interval_ms=1000"
    pid = servers.daphne.pid
    baseline = rss_kb(pid)
    cpu_before = cpu_seconds(pid)
    print(f"\nSSE: {streams} streams, one event per second for {seconds} s, one daphne process")
    started = time.perf_counter()
    clients, stats = await sse_load.open_streams(
        "127.0.0.1", servers.port, path, streams,
        per_address=5, interval_ms=1000, expected_events=count,
    )  # fmt: skip
    opened = time.perf_counter() - started
    all_open_ms = time.time() * 1000
    # The client's own long-lived objects (3,000 protocols) stay out of its collector's way, so
    # a pause in this process is not mistaken for server lag.
    gc.collect()
    gc.freeze()
    peak = baseline
    deadline = time.perf_counter() + seconds + 20
    pending = [client.done for client in clients]
    while pending and time.perf_counter() < deadline:
        peak = max(peak, rss_kb(pid))
        _, still = await asyncio.wait(pending, timeout=1.0)
        pending = list(still)
    cpu = cpu_seconds(pid) - cpu_before
    elapsed = time.perf_counter() - started
    for client in clients:
        if client.transport is not None and not client.transport.is_closing():
            client.transport.close()
    expected = streams * count
    summary = stats.summary()
    print(f"  opened in {opened:.1f} s; statuses {stats.statuses}")
    print(f"  stayed connected to the end: {stats.completed}/{streams}  (dropped {stats.dropped}, "
          f"still open at deadline {len(pending)})")  # fmt: skip
    print(
        f"  events delivered: {stats.events:,}/{expected:,} = {100 * stats.events / expected:.2f} %"
    )
    print(f"  lag vs schedule: p50 {summary['lag_p50']:.1f} ms  p99 {summary['lag_p99']:.1f} ms  "
          f"max {summary['lag_max']:.1f} ms  (send→receive p99 {summary['delivery_p99']:.1f} ms)")  # fmt: skip
    steady = stats.steady_lags(all_open_ms + 1000)
    print(f"  lag once all {streams} were open ({len(steady):,} events): "
          f"p50 {sse_load.percentile(steady, 0.5):.1f} ms  p99 {sse_load.percentile(steady, 0.99):.1f} ms  "
          f"max {max(steady, default=float('nan')):.1f} ms")  # fmt: skip
    print(f"  daphne RSS {baseline / 1024:.1f} MB → peak {peak / 1024:.1f} MB: "
          f"{(peak - baseline) / streams:.1f} KB per connection")  # fmt: skip
    print(
        f"  daphne CPU {cpu:.1f} s over {elapsed:.1f} s ({100 * cpu / elapsed:.0f} % of one core; "
        f"{cpu / (stats.events + streams) * 1e6:.0f} µs per event or stream opened)"
    )


async def bench_stop(servers: Servers, samples: int) -> None:
    print(f"\nStop on disconnect: close one of {SSE_MAX_STREAMS_PER_CLIENT} streams, "
          "time until the client may open another")  # fmt: skip
    latencies = []
    for index in range(samples):
        source = f"127.2.0.{index + 1}"
        value = await sse_load.stop_latency_ms(
            "127.0.0.1", servers.port, source, SSE_MAX_STREAMS_PER_CLIENT
        )
        if value is not None:
            latencies.append(value)
    if latencies:
        print(f"  {len(latencies)}/{samples} freed: median {sse_load.percentile(latencies, 0.5):.1f} ms, "
              f"max {max(latencies):.1f} ms (target < 1000 ms)")  # fmt: skip
    else:
        print("  no slot was freed within 2 s")


def csrf_poster(port: int, source: str):
    """A closure that POSTs broadcasts from ``source`` with the CSRF cookie of a page view."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, source_address=(source, 0), timeout=10
    )
    connection.request("GET", "/en/labs/streaming/")
    response = connection.getresponse()
    response.read()
    token = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")[1]

    def post(message: str) -> int:
        body = json.dumps({"message": message})
        headers = {
            "Content-Type": "application/json",
            "X-CSRFToken": token,
            "Cookie": f"csrftoken={token}",
        }
        connection.request("POST", "/api/labs/streaming/broadcast/", body=body, headers=headers)
        answer = connection.getresponse()
        answer.read()
        return answer.status

    return post


async def bench_silent(servers: Servers, subscribers: int) -> None:
    pid = servers.daphne.pid
    total = 2 * BROADCAST_MAX_EVENTS_PER_STREAM
    print(f"\nSilent clients: {subscribers} broadcast subscribers that never read "
          f"(4 KB receive buffer), then {total} broadcasts of {BROADCAST_MESSAGE_MAX_CHARS} characters")  # fmt: skip
    before = rss_kb(pid)
    clients = await sse_load.open_silent_streams(
        "127.0.0.1", servers.port, "/sse/labs/streaming/broadcast/", subscribers,
        per_address=5, first_index=100_000,
    )  # fmt: skip
    await asyncio.sleep(1)
    subscribed = rss_kb(pid)
    posters = [
        await asyncio.to_thread(csrf_poster, servers.port, f"127.3.0.{n + 1}")
        for n in range(-(-total // BROADCAST_PER_MINUTE))
    ]
    message = "x" * BROADCAST_MESSAGE_MAX_CHARS
    samples = []
    statuses: dict[int, int] = {}
    for sent in range(total):
        status = await asyncio.to_thread(posters[sent // BROADCAST_PER_MINUTE], message)
        statuses[status] = statuses.get(status, 0) + 1
        if (sent + 1) % (total // 4) == 0:
            await asyncio.sleep(0.5)
            samples.append((sent + 1, rss_kb(pid)))
    per_event = len(f"event: broadcast\ndata: {json.dumps({'message': message})}\n\n") + 120
    print(f"  POST statuses {statuses}")
    print(f"  daphne RSS: {before / 1024:.1f} MB before, {subscribed / 1024:.1f} MB subscribed")
    for sent, rss in samples:
        print(f"    after {sent:3d} broadcasts: {rss / 1024:.1f} MB "
              f"({(rss - subscribed) / subscribers:.1f} KB per silent subscriber)")  # fmt: skip
    print(f"  a broadcast stream ends after {BROADCAST_MAX_EVENTS_PER_STREAM} events: at most about "
          f"{BROADCAST_MAX_EVENTS_PER_STREAM * per_event / 1024:.0f} KB can be waiting for one silent "
          "subscriber, in the kernel or in daphne")  # fmt: skip
    for client in clients:
        if client.transport is not None:
            client.transport.abort()


async def main(args: argparse.Namespace) -> None:
    parts = {"ws", "sse", "stop", "silent"} if args.part == "all" else {args.part}
    variants = ["shipped", "frozen"] if args.server == "both" else [args.server]
    workdir = Path(tempfile.mkdtemp(prefix="kbsite-bench-streaming-"))
    for first, variant in zip([True, False], variants, strict=False):
        servers = Servers(workdir, frozen=variant == "frozen")
        servers.start()
        how = "as shipped" if variant == "shipped" else "started by bench/daphne_frozen.py"
        print(f"\n=== daphne {how}")
        try:
            # Warm the process: imports, URL resolution, the channel layer.
            warm = f"{servers.url}/sse/labs/streaming/events/?count=1&interval_ms=100"
            with urllib.request.urlopen(warm) as response:
                response.read()
            if first and "ws" in parts:
                await bench_ws(servers, args.round_trips, args.connections, args.ws_seconds)
            if "sse" in parts:
                await bench_sse(servers, args.streams, args.seconds)
            if first and "stop" in parts:
                await bench_stop(servers, args.stop_samples)
            if first and "silent" in parts:
                await bench_silent(servers, args.silent)
        finally:
            servers.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", choices=["all", "ws", "sse", "stop", "silent"], default="all")
    parser.add_argument(
        "--server",
        choices=["shipped", "frozen", "both"],
        default="both",
        help="run the SSE load on plain daphne, on daphne after gc.freeze(), or on both",
    )
    parser.add_argument("--streams", type=int, default=3000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--round-trips", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--ws-seconds", type=float, default=5.0)
    parser.add_argument("--stop-samples", type=int, default=20)
    parser.add_argument("--silent", type=int, default=500)
    arguments = parser.parse_args()
    for name in ("streams", "seconds", "round_trips", "connections", "stop_samples", "silent"):
        if not 1 <= getattr(arguments, name) <= 10_000:
            parser.error(f"--{name.replace('_', '-')} must be 1-10000")
    asyncio.run(main(arguments))
