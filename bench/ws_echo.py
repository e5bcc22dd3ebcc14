"""WebSocket echo round trips for bench_streaming.py, and the plain `websockets` anchor server.

Run as a script it *is* the anchor: ``python bench/ws_echo.py serve PORT`` echoes every message
with the `websockets` library alone, so the lab's Channels echo can be compared with the floor
of a Python WebSocket server on the same machine, measured in the same run, by the same client.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time

from websockets.asyncio.client import connect
from websockets.asyncio.server import serve

MESSAGE = "0123456789abcdef"  # 16 bytes: latency, not bandwidth


async def serve_echo(port: int) -> None:
    async def echo(websocket) -> None:
        async for message in websocket:
            await websocket.send(message)

    async with serve(echo, "127.0.0.1", port, max_size=65_536, compression=None):
        await asyncio.Future()  # until the process is terminated


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def round_trips(url: str, origin: str, count: int, warmup: int = 50) -> list[float]:
    """Sequential round trips on one connection, in milliseconds."""
    async with connect(url, origin=origin, compression=None) as ws:
        for _ in range(warmup):
            await ws.send(MESSAGE)
            await ws.recv()
        samples = []
        for _ in range(count):
            started = time.perf_counter()
            await ws.send(MESSAGE)
            await ws.recv()
            samples.append((time.perf_counter() - started) * 1000)
        return samples


async def throughput(url: str, origin: str, connections: int, seconds: float) -> tuple[int, float]:
    """(round trips, elapsed seconds) with ``connections`` sockets, one message in flight each."""
    sockets = [await connect(url, origin=origin, compression=None) for _ in range(connections)]
    done = 0
    deadline = 0.0

    async def worker(ws) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await ws.send(MESSAGE)
            await ws.recv()
            done += 1

    try:
        for ws in sockets:  # warm every connection once
            await ws.send(MESSAGE)
            await ws.recv()
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(worker(ws) for ws in sockets))
        return done, time.perf_counter() - started
    finally:
        for ws in sockets:
            await ws.close()


def describe(samples: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(samples),
        "p99": percentile(samples, 0.99),
        "mean": statistics.fmean(samples),
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        asyncio.run(serve_echo(int(sys.argv[2])))
    else:
        sys.exit("usage: ws_echo.py serve PORT")
