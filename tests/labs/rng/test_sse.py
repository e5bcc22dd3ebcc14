"""The battery's SSE stream, driven in-process with channels.testing: progress, the result table,
cancelling by disconnecting, the time limit and the per-client cap."""

import asyncio
import json
import re
import time

import pytest

from kbsite.asgi import application
from labs.rng import consumers, stats
from labs.rng.generators import make_generator
from tests.sse_client import SSEStream

PATH = "/sse/labs/rng/battery/"


class Stream(SSEStream):
    """One request to the battery stream through the site's ASGI router."""

    def __init__(self, query: str, client: str = "10.0.0.1"):
        super().__init__(application, PATH, query, client=client)

    async def start(self, timeout=3):
        return await super().start(timeout)

    async def read(self, timeout=3):
        return await super().read(timeout)

    async def disconnect(self):
        # The battery stops at once (the tests below check it); the ASGI task itself may linger
        # a few seconds on Redis while channels_redis cleans up its cancelled receive, so wait
        # for it rather than asserting how fast it ends.
        await self.communicator.send_input({"type": "http.disconnect"})
        await self.communicator.wait(timeout=5)

    def events(self):
        return super().events().events


class SlowBattery:
    """A battery that never ends on its own: one step every ``delay`` seconds, counted."""

    def __init__(self, delay=0.002, then=None, steps=10**9):
        self.delay, self.then, self.steps, self.done = delay, then, steps, 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.done >= self.steps:
            if self.then is None:
                raise StopIteration
            return self.then
        time.sleep(self.delay)
        self.done += 1
        return stats.Progress(self.done, self.steps, "monobit")


@pytest.fixture
def slow_battery(monkeypatch):
    batteries = []

    def install(**kwargs):
        def start(form):
            battery = SlowBattery(**kwargs)
            batteries.append(battery)
            return battery

        monkeypatch.setattr(consumers, "start_battery", start)
        return batteries

    return install


@pytest.fixture(autouse=True)
def nothing_left_running():
    yield
    assert not consumers.running


@pytest.mark.asyncio
async def test_the_stream_sends_progress_then_the_result_table_then_ends():
    stream = await Stream("generator=randu&seed=1&sequences=100&bits=10000&lang=en").start()
    assert stream.status == 200
    assert stream.headers["content-type"] == "text/event-stream"
    assert stream.headers["cache-control"] == "no-store"
    await stream.read_to_end()
    events = stream.events()
    assert [e.type for e in events][0] == "progress" and events[-1].type == "result"
    assert all(e.type == "progress" for e in events[:-1])
    assert '<progress max="600" value="600">' in events[-2].data
    table = events[-1].data
    assert "data-battery-result" in table and "byte_chi_square" in table
    assert "0/100" in table  # RANDU's bytes: no sequence passes
    await stream.communicator.wait(timeout=2)


@pytest.mark.asyncio
async def test_the_result_is_the_same_battery_the_engine_runs():
    stream = await Stream("generator=pcg32&seed=42&sequences=20&bits=5000&lang=en").start()
    await stream.read_to_end()
    result = stats.run_battery(make_generator("pcg32", 42), sequences=20, bits_per_sequence=5000)
    table = stream.events()[-1].data
    for verdict in result.verdicts:
        assert f"<code>{verdict.name}</code>" in table
        assert f"{verdict.passes}/20" in table
    await stream.communicator.wait(timeout=2)


@pytest.mark.asyncio
async def test_the_fragments_follow_the_requested_language():
    stream = await Stream("generator=lcg&sequences=10&bits=1000&lang=zh-hans").start()
    await stream.read_to_end()
    assert stream.events()[-1].type == "result"
    await stream.communicator.wait(timeout=2)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "query, name",
    [
        ("generator=nope", "generator"),
        ("generator=randu&seed=2", "seed"),
        ("sequences=9", "sequences"),
        ("bits=abc", "bits"),
        ("sequences=1000&bits=2001", "bits"),
    ],
)
async def test_bad_parameters_are_a_400_json_error_naming_them(query, name):
    stream = await Stream(query + "&lang=en").start()
    await stream.read_to_end()
    assert stream.status == 400
    assert json.loads(stream.body)["error"].startswith(f"{name}: ")
    await stream.communicator.wait(timeout=2)


@pytest.mark.asyncio
async def test_closing_the_connection_stops_the_battery(slow_battery):
    batteries = slow_battery(delay=0.002)
    stream = await Stream("generator=mt19937&lang=en").start()
    await stream.read_until(b"now: monobit")  # it is running and reporting progress
    assert consumers.running == {"10.0.0.1": 1}
    await stream.disconnect()
    stopped_at = batteries[0].done
    await asyncio.sleep(0.2)
    assert batteries[0].done == stopped_at  # no step ran after the consumer finished
    assert not consumers.running  # and the client's slot is free again


@pytest.mark.asyncio
async def test_progress_is_throttled_to_ten_events_a_second(slow_battery):
    done = stats.run_battery(make_generator("lcg"), sequences=10, bits_per_sequence=1000)
    slow_battery(delay=0.0005, steps=1200, then=done)
    started = time.monotonic()
    stream = await Stream("generator=lcg&lang=en").start()
    await stream.read_to_end(timeout=10)
    elapsed = time.monotonic() - started
    progress = [e for e in stream.events() if e.type == "progress"]
    # The opening event, one per 0.1 s at most, and the closing 100 %.
    assert len(progress) <= 2 + elapsed / consumers.PROGRESS_INTERVAL_SECONDS + 1
    assert len(progress) >= 3
    await stream.communicator.wait(timeout=2)


@pytest.mark.asyncio
async def test_a_stream_that_runs_too_long_is_stopped_with_a_message(slow_battery, monkeypatch):
    monkeypatch.setattr(consumers, "MAX_STREAM_SECONDS", 0.3)
    batteries = slow_battery(delay=0.002)
    stream = await Stream("generator=lcg&lang=en").start()
    await stream.read_to_end(timeout=5)
    assert stream.events()[-1].type == "result"
    assert "time limit" in stream.events()[-1].data
    stopped_at = batteries[0].done
    await asyncio.sleep(0.1)
    assert batteries[0].done == stopped_at
    await stream.communicator.wait(timeout=2)


@pytest.mark.asyncio
async def test_a_battery_that_ends_without_a_result_reports_a_failure(slow_battery):
    slow_battery(delay=0, steps=5)
    stream = await Stream("generator=lcg&lang=en").start()
    await stream.read_to_end()
    assert "failed on the server" in stream.events()[-1].data
    await stream.communicator.wait(timeout=2)


@pytest.mark.asyncio
async def test_one_address_may_run_two_batteries_at_once(slow_battery):
    slow_battery(delay=0.002)
    first = await Stream("lang=en").start()
    second = await Stream("lang=en").start()
    third = await Stream("lang=en").start()
    await third.read_to_end()
    assert (first.status, second.status, third.status) == (200, 200, 429)
    assert third.headers["retry-after"] == "5"
    assert re.search(r"at most 2 batteries", json.loads(third.body)["error"])
    other = await Stream("lang=en", client="10.0.0.2").start()
    assert other.status == 200
    for stream in (first, second, other):
        await stream.disconnect()
    await third.communicator.wait(timeout=2)
