"""The battery over server-sent events: progress while it runs, then the result table.

GET /sse/labs/rng/battery/?generator=..&seed=..&sequences=..&bits=..&lang=..

The battery is CPU-bound, so it runs in a worker thread in short slices (``SLICE_SECONDS``)
while the event loop watches the connection. Cancelling is closing the EventSource: the
consumer sees ``http.disconnect`` between two slices and stops, so a cancelled battery
stops working within one slice. Every stream ends: the battery finishes, the client leaves,
or ``MAX_STREAM_SECONDS`` pass. Each client address may run ``MAX_PER_CLIENT`` batteries at
once (429 beyond that) and the process ``MAX_RUNNING`` (503 beyond that); the counts are per
process, which is where the CPU is spent.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator

from channels.generic.http import AsyncHttpConsumer
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import translation

from labs.rng import stats
from labs.rng.forms import BatteryForm
from labs.rng.panels import battery_result_context
from labs.streaming.sse import HEARTBEAT, RESPONSE_HEADERS, format_event

SLICE_SECONDS = 0.05
PROGRESS_INTERVAL_SECONDS = 0.1  # at most 10 progress events a second
MAX_STREAM_SECONDS = 60.0
MAX_PER_CLIENT = 2
MAX_RUNNING = 6
LANGUAGES = ("zh-hans", "en")
EXHAUSTED = object()

logger = logging.getLogger(__name__)

running: Counter[str] = Counter()  # client address -> batteries it is running in this process


def start_battery(form: BatteryForm) -> Iterator[stats.Progress | stats.BatteryResult]:
    """The battery iterator for a valid form (tests replace this with a slow fake)."""
    data = form.cleaned_data
    return stats.battery(
        form.make_generator(), sequences=data["sequences"], bits_per_sequence=data["bits"]
    )


def advance(iterator, budget_seconds: float, stop: threading.Event):
    """Run the battery for about ``budget_seconds`` in this (worker) thread; return the last
    Progress, the BatteryResult, None when told to stop, or EXHAUSTED when the iterator ended
    without a result."""
    deadline = time.monotonic() + budget_seconds
    event = None
    while not stop.is_set():
        event = next(iterator, EXHAUSTED)
        if event is EXHAUSTED or isinstance(event, stats.BatteryResult):
            return event
        if time.monotonic() >= deadline:
            return event
    return None


def progress_html(done: int, total: int, test_name: str, language: str) -> str:
    with translation.override(language):
        return render_to_string(
            "labs/rng/partials/battery_progress.html",
            {"done": done, "total": total, "test_name": test_name},
        )


def result_html(result: stats.BatteryResult | None, language: str, *, stopped: str = "") -> str:
    with translation.override(language):
        context = battery_result_context(result) if result is not None else {}
        return render_to_string(
            "labs/rng/partials/battery_result.html", {**context, "stopped": stopped}
        )


class BatteryConsumer(AsyncHttpConsumer):
    async def __call__(self, scope, receive, send):
        # Kept so handle() can wait for http.disconnect while the battery runs: Channels
        # dispatches the next message only after handle() returns.
        self._receive = receive
        await super().__call__(scope, receive, send)

    async def handle(self, body: bytes) -> None:
        query = QueryDict(self.scope.get("query_string", b"").decode("utf-8", "replace"))
        language = query.get("lang") if query.get("lang") in LANGUAGES else LANGUAGES[0]
        form = BatteryForm.from_query(query)
        with translation.override(language):
            valid, error = form.is_valid(), form.error_message()
        if not valid:
            await self.send_json_error(400, error)
            return
        client = (self.scope.get("client") or ("unknown", 0))[0]
        if running[client] >= MAX_PER_CLIENT:
            await self.send_json_error(
                429, f"at most {MAX_PER_CLIENT} batteries at once from one address"
            )
            return
        if sum(running.values()) >= MAX_RUNNING:
            await self.send_json_error(503, "the server is running its limit of batteries")
            return
        running[client] += 1
        try:
            await self.stream(start_battery(form), language)
        finally:
            running[client] -= 1
            if running[client] <= 0:
                del running[client]

    async def send_json_error(self, status: int, message: str) -> None:
        headers = [(b"Content-Type", b"application/json"), (b"Cache-Control", b"no-store")]
        if status in (429, 503):
            headers.append((b"Retry-After", b"5"))
        body = json.dumps({"error": message}).encode()
        await self.send_response(status, body, headers=headers)

    async def send_event(self, data: str, event: str) -> None:
        await self.send_body(format_event(data, event=event).encode(), more_body=True)

    async def stream(self, iterator, language: str) -> None:
        await self.send_headers(
            status=200, headers=[(k.encode(), v.encode()) for k, v in RESPONSE_HEADERS]
        )
        await self.send_body(HEARTBEAT.encode(), more_body=True)  # headers out at once
        await self.send_event(progress_html(0, 0, "", language), "progress")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + MAX_STREAM_SECONDS
        stop = threading.Event()
        disconnected = asyncio.ensure_future(self._receive())
        last_progress, outcome, stopped = 0.0, None, ""
        try:
            while outcome is None and not stopped:
                step = asyncio.ensure_future(
                    asyncio.to_thread(advance, iterator, SLICE_SECONDS, stop)
                )
                await asyncio.wait(
                    {step, disconnected},
                    timeout=max(0.0, deadline - loop.time()),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if disconnected.done() or not step.done():
                    # The client left, or time is up: let the slice in the worker thread end
                    # (it checks ``stop`` after every test) before the slot is given back.
                    stop.set()
                    await asyncio.wait({step})
                    if disconnected.done():
                        return
                    stopped = "time"
                    break
                try:
                    event = step.result()
                except Exception:
                    logger.exception("the RNG battery failed")
                    stopped = "error"
                    break
                if event is EXHAUSTED:
                    stopped = "error"
                elif isinstance(event, stats.BatteryResult):
                    outcome = event
                elif event is not None and loop.time() - last_progress >= PROGRESS_INTERVAL_SECONDS:
                    last_progress = loop.time()
                    html = progress_html(event.done, event.total, event.test_name, language)
                    await self.send_event(html, "progress")
            if outcome is not None:
                total = len(outcome.verdicts) * outcome.sequences
                await self.send_event(progress_html(total, total, "", language), "progress")
            await self.send_event(result_html(outcome, language, stopped=stopped), "result")
            await self.send_body(b"")
        finally:
            stop.set()
            disconnected.cancel()
