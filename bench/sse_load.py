"""SSE load clients for bench_streaming.py: raw asyncio sockets, loopback only, bounded.

Each client is an ``asyncio.Protocol`` bound to its own 127.x.y.z source address (Linux routes
all of 127.0.0.0/8 to loopback), so thousands of streams stay under the per-client cap without
changing it. Event lag is measured against the server's schedule: event n of a stream is due
``(n - first) * interval`` after the stream's first event was sent (the ``sent_ms`` it carries).
"""

from __future__ import annotations

import asyncio
import re
import socket
import statistics
import time
from dataclasses import dataclass, field

TICK_RE = re.compile(rb'data: \{"n": (\d+), "count": \d+, "sent_ms": ([0-9.]+)\}\n')
LAST_CHUNK = b"\r\n0\r\n\r\n"


def source_address(index: int, per_address: int) -> str:
    """127.1.a.b: ``per_address`` clients share one address (the per-client cap counts them)."""
    slot = index // per_address
    return f"127.1.{slot // 250}.{slot % 250 + 1}"


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass
class LoadStats:
    lags_ms: list[float] = field(default_factory=list)  # receive time - scheduled time
    received_at: list[float] = field(default_factory=list)  # wall-clock ms, same order as lags
    delivery_ms: list[float] = field(default_factory=list)  # receive time - sent_ms
    statuses: dict[int, int] = field(default_factory=dict)
    events: int = 0
    completed: int = 0  # streams that ended with the last chunk after all their events
    dropped: int = 0  # streams that ended early or failed

    def steady_lags(self, after_ms: float) -> list[float]:
        """Lags of events received after ``after_ms`` (once every stream is open)."""
        return [
            lag for lag, at in zip(self.lags_ms, self.received_at, strict=True) if at >= after_ms
        ]

    def summary(self) -> dict[str, float]:
        return {
            "lag_p50": percentile(self.lags_ms, 0.50),
            "lag_p99": percentile(self.lags_ms, 0.99),
            "lag_max": max(self.lags_ms, default=float("nan")),
            "delivery_p50": percentile(self.delivery_ms, 0.50),
            "delivery_p99": percentile(self.delivery_ms, 0.99),
            "mean_lag": statistics.fmean(self.lags_ms) if self.lags_ms else float("nan"),
        }


class SSEClient(asyncio.Protocol):
    """One GET of an event stream; counts tick events and their lag as they arrive."""

    def __init__(self, request: bytes, stats: LoadStats, interval_ms: int, expected: int) -> None:
        self.request = request
        self.stats = stats
        self.interval_ms = interval_ms
        self.expected = expected
        self.buffer = b""
        self.status: int | None = None
        self.first: tuple[int, float] | None = None  # (n, sent_ms) of the first event
        self.received = 0
        self.ended_cleanly = False
        self.done: asyncio.Future = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now_ms = time.time() * 1000
        self.buffer += data
        if self.status is None:
            if b"\r\n" not in self.buffer:
                return
            self.status = int(self.buffer.split(b" ", 2)[1])
            self.stats.statuses[self.status] = self.stats.statuses.get(self.status, 0) + 1
        position = 0
        for match in TICK_RE.finditer(self.buffer):
            n, sent_ms = int(match[1]), float(match[2])
            if self.first is None:
                self.first = (n, sent_ms)
            due = self.first[1] + (n - self.first[0]) * self.interval_ms
            self.stats.lags_ms.append(now_ms - due)
            self.stats.received_at.append(now_ms)
            self.stats.delivery_ms.append(now_ms - sent_ms)
            self.stats.events += 1
            self.received += 1
            position = match.end()
        if self.buffer.endswith(LAST_CHUNK):
            # The response is complete; HTTP/1.1 keeps the connection, so the client closes it.
            self.ended_cleanly = True
            self.finish()
            self.transport.close()
        # Keep only what may still hold the start of an event.
        self.buffer = self.buffer[position:][-4096:]

    def finish(self) -> None:
        if self.done.done():
            return
        if self.ended_cleanly and self.received >= self.expected:
            self.stats.completed += 1
        else:
            self.stats.dropped += 1
        self.done.set_result(None)

    def connection_lost(self, exc) -> None:
        self.finish()


async def connect_from(
    host: str, port: int, source: str, *, receive_buffer: int | None = None
) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer is not None:
        # Set before connect so the advertised window starts small: a client that never reads.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.bind((source, 0))
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, (host, port))
    return sock


def get_request(host: str, port: int, path: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )


async def open_streams(
    host: str,
    port: int,
    path: str,
    count: int,
    *,
    per_address: int,
    interval_ms: int,
    expected_events: int,
    ramp_per_second: int = 1000,
) -> tuple[list[SSEClient], LoadStats]:
    """Open ``count`` streams at about ``ramp_per_second``, each from its share of addresses.

    Small batches: twisted listens with a backlog of 50, and a burst of connects beyond it is
    dropped and retried by the kernel a second later, which would look like server latency.
    """
    loop = asyncio.get_running_loop()
    stats = LoadStats()
    clients: list[SSEClient] = []
    request = get_request(host, port, path)
    batch = 20
    for start in range(0, count, batch):
        tasks = []
        for index in range(start, min(count, start + batch)):
            tasks.append(connect_from(host, port, source_address(index, per_address)))
        for sock in await asyncio.gather(*tasks):
            client = SSEClient(request, stats, interval_ms, expected_events)
            await loop.create_connection(lambda c=client: c, sock=sock)
            clients.append(client)
        await asyncio.sleep(batch / ramp_per_second)
    return clients, stats


class SilentClient(asyncio.Protocol):
    """Sends its GET and never reads again: the server's writes pile up somewhere."""

    def __init__(self, request: bytes) -> None:
        self.request = request
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.request)
        transport.pause_reading()


async def open_silent_streams(
    host: str, port: int, path: str, count: int, *, per_address: int, first_index: int
) -> list[SilentClient]:
    loop = asyncio.get_running_loop()
    request = get_request(host, port, path)
    clients = []
    for index in range(count):
        source = source_address(first_index + index, per_address)
        sock = await connect_from(host, port, source, receive_buffer=4096)
        client = SilentClient(request)
        await loop.create_connection(lambda c=client: c, sock=sock)
        clients.append(client)
    return clients


async def stop_latency_ms(host: str, port: int, source: str, cap: int) -> float | None:
    """Fill ``source``'s stream cap, close one stream, and time until a new one is let in.

    The slot is released in the consumer's ``finally`` after it reads ``http.disconnect``, so
    this is an upper bound on "the consumer stopped" (plus one polling interval, 10 ms).
    """
    path = "/sse/labs/streaming/events/?count=100&interval_ms=1000"
    request = get_request(host, port, path)
    writers = []
    for _ in range(cap):
        reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
        writer.write(request)
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"could not open stream: {head[:40]!r}")
        writers.append(writer)
    closed_at = time.perf_counter()
    writers.pop().close()
    try:
        for _attempt in range(200):  # at most 2 s
            reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
            writer.write(request)
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            writer.close()
            if head.startswith(b"HTTP/1.1 200"):
                return (time.perf_counter() - closed_at) * 1000
            await asyncio.sleep(0.01)
        return None
    finally:
        for writer in writers:
            writer.close()
