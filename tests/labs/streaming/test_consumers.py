"""The lab's Channels consumers, driven in-process with channels.testing (no server, no sleep)."""

import asyncio
import json

import pytest
from channels.layers import InMemoryChannelLayer, channel_layers
from channels.testing import WebsocketCommunicator
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from kbsite.asgi import application
from labs.streaming import broadcast, consumers
from labs.streaming.consumers import (
    BroadcastEventsConsumer,
    CountedEventsConsumer,
    EchoConsumer,
    RoomConsumer,
    WindowBudget,
    scope_language,
)
from labs.streaming.limits import WS_MAX_MESSAGE_BYTES, WS_MAX_MESSAGES_PER_10_S
from labs.streaming.slots import acquire_slot, held_slots, max_streams_per_client, release_slot
from tests.sse_client import SSEStream

TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each test gets its own in-memory layer: its queues belong to that test's event loop."""
    old = channel_layers.set("default", InMemoryChannelLayer())
    yield
    if old is None:  # never built before: let the next user build it from the settings
        channel_layers.backends.pop("default", None)
    else:
        channel_layers.set("default", old)


class Stream(SSEStream):
    """An SSE request to one consumer, read message by message."""

    def __init__(self, consumer, query="", headers=(), client="10.0.0.1", method="GET"):
        super().__init__(consumer.as_asgi(), "/sse/labs/streaming/", query, headers, client, method)


@pytest.mark.asyncio
async def test_a_counted_stream_sends_ids_one_to_n_with_retry_and_a_comment_then_ends():
    stream = await Stream(CountedEventsConsumer, "count=3&interval_ms=100&retry_ms=500").start()
    assert stream.status == 200
    assert stream.headers["content-type"] == "text/event-stream"
    assert stream.headers["cache-control"] == "no-store"
    assert "transfer-encoding" not in stream.headers  # the server frames, never the app
    await stream.read_to_end()
    parsed = stream.events()
    ticks = [e for e in parsed.events if e.type == "tick"]
    assert [e.last_event_id for e in ticks] == ["1", "2", "3"]
    assert [json.loads(e.data)["n"] for e in ticks] == [1, 2, 3]
    assert parsed.reconnection_time_ms == 500
    assert parsed.comments == ("events 1..3, one every 100 ms",)
    hello = json.loads(parsed.events[0].data)
    assert parsed.events[0].type == "hello" and hello["resume_from"] == 1
    await stream.disconnect()


@pytest.mark.asyncio
async def test_a_reconnect_with_last_event_id_resumes_at_the_next_id():
    stream = Stream(
        CountedEventsConsumer, "count=4&interval_ms=100", headers=[("Last-Event-ID", "2")]
    )
    await (await stream.start()).read_to_end()
    ticks = [e for e in stream.events().events if e.type == "tick"]
    assert [e.last_event_id for e in ticks] == ["3", "4"]
    assert json.loads(stream.events().events[0].data)["last_event_id"] == "2"
    await stream.disconnect()


@pytest.mark.asyncio
@pytest.mark.parametrize("last_id", ["5", "6", "999999"])
async def test_a_reconnect_after_the_last_event_gets_204_so_eventsource_stops(last_id):
    stream = Stream(
        CountedEventsConsumer, "count=5&interval_ms=100", headers=[("Last-Event-ID", last_id)]
    )
    await stream.start()
    assert stream.status == 204
    assert await stream.read() == b""
    assert "content-length" not in stream.headers
    await stream.disconnect()


@pytest.mark.asyncio
@pytest.mark.parametrize("garbage", ["", "abc", "-3", "1e3", "99999999999"])
async def test_an_unusable_last_event_id_restarts_from_the_first_event(garbage):
    stream = Stream(
        CountedEventsConsumer, "count=1&interval_ms=100", headers=[("Last-Event-ID", garbage)]
    )
    await (await stream.start()).read_to_end()
    assert [e.last_event_id for e in stream.events().events if e.type == "tick"] == ["1"]
    await stream.disconnect()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "query, name",
    [
        ("count=0", "count"),
        ("count=101", "count"),
        ("count=x", "count"),
        ("interval_ms=99", "interval_ms"),
        ("interval_ms=5001", "interval_ms"),
        ("retry_ms=-1", "retry_ms"),
        ("stream=not-hex", "stream"),
    ],
)
async def test_bad_parameters_get_400_with_a_message_naming_the_parameter(query, name):
    stream = await Stream(CountedEventsConsumer, query, headers=[("Accept-Language", "en")]).start()
    body = await stream.read_to_end()
    assert stream.status == 400
    assert json.loads(body)["error"].startswith(f"{name}:")
    await stream.disconnect()


@pytest.mark.asyncio
async def test_only_get_is_allowed():
    stream = await Stream(CountedEventsConsumer, method="POST").start()
    assert stream.status == 405
    await stream.disconnect()


@pytest.mark.asyncio
async def test_disconnecting_mid_stream_stops_the_consumer_and_frees_its_slot():
    stream = await Stream(CountedEventsConsumer, "count=100&interval_ms=1000").start()
    await stream.read_until(b"id: 1")
    assert await held_slots("10.0.0.1") == 1
    await stream.disconnect()  # wait(timeout=1) raises if the consumer keeps running
    assert await held_slots("10.0.0.1") == 0


@pytest.mark.asyncio
async def test_a_stream_that_ends_normally_frees_its_slot_even_if_the_disconnect_comes_at_once(
    monkeypatch,
):
    real_release = consumers.release_slot

    async def slow_release(slot):  # a cache round trip that is still running when daphne's
        await asyncio.sleep(0.05)  # http.disconnect for the finished response arrives
        await real_release(slot)

    monkeypatch.setattr(consumers, "release_slot", slow_release)
    for _ in range(3):
        stream = await Stream(CountedEventsConsumer, "count=1&interval_ms=100").start()
        await stream.read_to_end()
        await stream.disconnect()  # daphne sends http.disconnect as soon as the body has ended
        assert await held_slots("10.0.0.1") == 0


@pytest.mark.asyncio
@override_settings(KB_SSE_MAX_PER_CLIENT=2)
async def test_a_client_over_the_stream_cap_gets_429_until_a_stream_closes():
    first = await Stream(CountedEventsConsumer, "count=100").start()
    second = await Stream(CountedEventsConsumer, "count=100").start()
    third = await Stream(CountedEventsConsumer, "count=100").start()
    assert (first.status, second.status, third.status) == (200, 200, 429)
    assert "open streams" in json.loads(await third.read_to_end())["error"]
    assert int(third.headers["retry-after"]) > 0
    other_client = await Stream(CountedEventsConsumer, "count=1", client="10.0.0.2").start()
    assert other_client.status == 200
    await first.disconnect()
    fourth = await Stream(CountedEventsConsumer, "count=100").start()
    assert fourth.status == 200
    for stream in (second, third, fourth, other_client):
        await stream.disconnect()


@pytest.mark.asyncio
async def test_an_idle_stream_sends_heartbeat_comments(monkeypatch):
    monkeypatch.setattr(CountedEventsConsumer, "heartbeat_s", 0.05)
    stream = await Stream(CountedEventsConsumer, "count=2&interval_ms=1000").start()
    await stream.read_until(b": ping\n\n")
    assert "ping" in stream.events().comments
    await stream.disconnect()


@pytest.mark.asyncio
async def test_a_stream_ends_at_its_lifetime_cap_even_with_events_left(monkeypatch):
    monkeypatch.setattr(CountedEventsConsumer, "lifetime_s", 0.25)
    stream = await Stream(CountedEventsConsumer, "count=100&interval_ms=100").start()
    await stream.read_to_end()
    ids = [e.last_event_id for e in stream.events().events if e.type == "tick"]
    assert ids[0] == "1" and len(ids) < 10  # the browser reconnects and resumes after the last
    await stream.disconnect()


@pytest.mark.asyncio
async def test_the_drop_message_cuts_a_stream_that_carries_its_token():
    stream = await Stream(
        CountedEventsConsumer, f"count=100&interval_ms=100&stream={TOKEN}"
    ).start()
    await stream.read_until(b"id: 1\n")
    await broadcast.drop_stream(TOKEN)
    await stream.read_to_end()
    assert stream.ended
    await stream.disconnect()
    assert await held_slots("10.0.0.1") == 0


@pytest.mark.asyncio
async def test_a_broadcast_reaches_every_open_sse_subscriber():
    one = await Stream(BroadcastEventsConsumer).start()
    two = await Stream(BroadcastEventsConsumer, client="10.0.0.9").start()
    await one.read_until(b"event: hello")
    await two.read_until(b"event: hello")
    sent = await broadcast.publish("hello everyone", "tester")
    for stream in (one, two):
        await stream.read_until(b"event: broadcast")
        event = [e for e in stream.events().events if e.type == "broadcast"][0]
        assert json.loads(event.data) == sent
        await stream.disconnect()


@pytest.mark.asyncio
async def test_a_broadcast_stream_ends_after_its_event_cap(monkeypatch):
    monkeypatch.setattr("labs.streaming.consumers.BROADCAST_MAX_EVENTS_PER_STREAM", 2)
    stream = await Stream(BroadcastEventsConsumer).start()
    await stream.read_until(b"event: hello")
    for n in range(3):
        await broadcast.publish(f"message {n}", "tester")
    await stream.read_to_end()
    assert len([e for e in stream.events().events if e.type == "broadcast"]) == 2
    await stream.disconnect()  # at once, although the stream's task was waiting for 15 s
    assert await held_slots("10.0.0.1") == 0


# --- WebSocket ----------------------------------------------------------------------------------


def socket(consumer, path="/ws/labs/streaming/echo/", room=None, headers=()):
    communicator = WebsocketCommunicator(consumer.as_asgi(), path, headers=list(headers))
    if room is not None:
        communicator.scope["url_route"] = {"args": (), "kwargs": {"room": room}}
    return communicator


@pytest.mark.asyncio
async def test_the_echo_socket_sends_text_and_binary_back():
    ws = socket(EchoConsumer)
    assert (await ws.connect())[0]
    await ws.send_to(text_data="héllo")
    assert await ws.receive_from() == "héllo"
    await ws.send_to(bytes_data=b"\x00\xff")
    assert (await ws.receive_output())["bytes"] == b"\x00\xff"
    await ws.disconnect()


@pytest.mark.asyncio
async def test_a_message_over_64_kb_closes_the_socket_with_4009():
    ws = socket(EchoConsumer)
    await ws.connect()
    await ws.send_to(text_data="é" * (WS_MAX_MESSAGE_BYTES // 2 + 1))  # fewer chars than bytes
    assert await ws.receive_output() == {"type": "websocket.close", "code": 4009}
    await ws.disconnect()


@pytest.mark.asyncio
async def test_a_message_of_exactly_64_kb_is_echoed():
    ws = socket(EchoConsumer)
    await ws.connect()
    await ws.send_to(text_data="x" * WS_MAX_MESSAGE_BYTES)
    assert len(await ws.receive_from()) == WS_MAX_MESSAGE_BYTES
    await ws.disconnect()


@pytest.mark.asyncio
async def test_the_echo_byte_budget_closes_a_flooding_socket_with_4008(monkeypatch):
    monkeypatch.setattr("labs.streaming.consumers.WS_ECHO_MAX_BYTES_PER_10_S", 10)
    ws = socket(EchoConsumer)
    await ws.connect()
    await ws.send_to(text_data="12345")
    assert await ws.receive_from() == "12345"
    await ws.send_to(text_data="123456")
    assert await ws.receive_output() == {"type": "websocket.close", "code": 4008}
    await ws.disconnect()


@pytest.mark.asyncio
async def test_a_socket_that_has_been_sent_its_byte_allowance_is_closed_with_4008(monkeypatch):
    # A peer that sends and never reads would otherwise make daphne buffer without bound.
    monkeypatch.setattr("labs.streaming.consumers.WS_MAX_BYTES_SENT_PER_SOCKET", 8)
    ws = socket(EchoConsumer)
    await ws.connect()
    await ws.send_to(text_data="1234")
    await ws.send_to(text_data="5678")
    assert await ws.receive_from() == "1234"
    assert await ws.receive_from() == "5678"
    await ws.send_to(text_data="9")
    assert await ws.receive_output() == {"type": "websocket.close", "code": 4008}
    await ws.disconnect()


@pytest.mark.asyncio
async def test_a_socket_is_closed_at_the_end_of_its_lifetime(monkeypatch):
    monkeypatch.setattr(EchoConsumer, "lifetime_s", 0.05)
    ws = socket(EchoConsumer)
    await ws.connect()
    assert await ws.receive_output(timeout=1) == {"type": "websocket.close", "code": 4000}
    await ws.disconnect()


def test_the_window_budget_resets_after_its_window():
    budget = WindowBudget(limit=3, window_s=10)
    assert all(budget.spend(1, now=0.0) for _ in range(3))
    assert not budget.spend(1, now=9.9)
    assert budget.spend(1, now=10.0)


async def join(room="lobby", query=""):
    ws = socket(RoomConsumer, f"/ws/labs/streaming/room/{room}/{query}", room=room)
    connected, _ = await ws.connect()
    if connected:
        joined = await ws.receive_json_from()
        assert joined["type"] == "joined" and joined["room"] == room
    return ws, connected


@pytest.mark.asyncio
async def test_a_room_relays_a_message_to_everyone_with_sender_and_time():
    alice, _ = await join()
    bob, _ = await join()
    elsewhere, _ = await join("other")
    await alice.send_json_to({"message": "  hi bob  ", "HEADERS": {"HX-Request": "true"}})
    for ws in (alice, bob):
        relayed = await ws.receive_json_from()
        assert relayed["type"] == "message" and relayed["message"] == "hi bob"
        assert relayed["room"] == "lobby" and relayed["sender"].startswith("guest-")
        assert relayed["time"].endswith("Z")
    assert await elsewhere.receive_nothing()
    for ws in (alice, bob, elsewhere):
        await ws.disconnect()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "raw, code",
    [
        ("{not json", "invalid_json"),
        ("[1, 2]", "not_object"),
        ('{"text": "x"}', "missing_message"),
        ('{"message": 5}', "not_string"),
        ('{"message": "   "}', "empty"),
        ('{"message": "a\\u0000b"}', "control_chars"),
    ],
)
async def test_a_bad_room_message_gets_an_error_and_the_socket_stays_open(raw, code):
    ws, _ = await join(query="?lang=en")
    await ws.send_to(text_data=raw)
    error = await ws.receive_json_from()
    assert error["type"] == "error" and error["code"] == code and error["error"]
    await ws.send_json_to({"message": "still here"})
    assert (await ws.receive_json_from())["message"] == "still here"
    await ws.disconnect()


@pytest.mark.asyncio
async def test_binary_room_messages_get_an_error_in_the_reader_s_language():
    ws, _ = await join(query="?lang=zh-hans")
    await ws.send_to(bytes_data=b"\x01")
    error = await ws.receive_json_from()
    assert error["code"] == "binary" and "文本帧" in error["error"]
    await ws.disconnect()


@pytest.mark.asyncio
async def test_a_room_socket_sending_too_fast_is_closed_with_4008():
    ws, _ = await join()
    for n in range(WS_MAX_MESSAGES_PER_10_S):
        await ws.send_json_to({"message": f"m{n}"})
        await ws.receive_json_from()
    await ws.send_json_to({"message": "one too many"})
    assert await ws.receive_output() == {"type": "websocket.close", "code": 4008}
    await ws.disconnect()


@pytest.mark.asyncio
@pytest.mark.parametrize("room", ["has space", "x" * 33, "dot.ted", "中文"])
async def test_invalid_room_names_are_refused_at_the_handshake(room):
    ws, connected = await join(room)
    assert not connected


@pytest.mark.asyncio
async def test_broadcasts_reach_room_sockets_too():
    ws, _ = await join("any-room")
    sent = await broadcast.publish("to rooms as well", "tester")
    assert await ws.receive_json_from() == sent
    await ws.disconnect()


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/ws/labs/streaming/echo/", "/ws/labs/streaming/room/lobby/"])
@pytest.mark.parametrize("origin", [b"http://evil.example", b"null", None])
async def test_foreign_null_and_missing_origins_are_refused_through_the_site_router(path, origin):
    headers = [(b"host", b"127.0.0.1")]
    if origin is not None:
        headers.append((b"origin", origin))
    ws = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await ws.connect()
    assert not connected
    await ws.disconnect()


@pytest.mark.asyncio
async def test_the_site_router_accepts_the_same_origin_for_both_sockets():
    headers = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1:8000")]
    echo = WebsocketCommunicator(application, "/ws/labs/streaming/echo/", headers=headers)
    assert (await echo.connect())[0]
    await echo.send_to(text_data="ping")
    assert await echo.receive_from() == "ping"
    await echo.disconnect()


@pytest.mark.parametrize(
    "query, accept, expected",
    [
        (b"lang=en", b"zh-CN", "en"),
        (b"", b"en-US,en;q=0.9", "en"),
        (b"", b"zh-CN,zh;q=0.9", "zh-hans"),
        (b"", b"fr-FR, en;q=0.5", "en"),
        (b"lang=xx", b"", "zh-hans"),
    ],
)
def test_consumers_pick_the_reader_s_language(query, accept, expected):
    scope = {"query_string": query, "headers": [(b"accept-language", accept)]}
    assert scope_language(scope) == expected


@pytest.mark.asyncio
async def test_tasks_do_not_outlive_a_finished_stream():
    before = len(asyncio.all_tasks())
    stream = await Stream(CountedEventsConsumer, "count=1&interval_ms=100").start()
    await stream.read_to_end()
    await stream.disconnect()
    await asyncio.sleep(0)
    assert len(asyncio.all_tasks()) <= before


@pytest.mark.asyncio
async def test_a_slot_left_behind_by_a_crashed_process_expires_after_its_lease():
    held = await acquire_slot("10.0.0.7", maximum=1, lease_s=1)
    assert held is not None
    assert await acquire_slot("10.0.0.7", maximum=1) is None
    await asyncio.sleep(1.1)  # nobody releases it: the lease alone frees the slot
    assert await acquire_slot("10.0.0.7", maximum=1) is not None


@pytest.mark.asyncio
async def test_releasing_an_expired_slot_does_not_free_the_stream_that_took_it_over():
    old = await acquire_slot("10.0.0.8", maximum=1, lease_s=1)
    await asyncio.sleep(1.1)
    new = await acquire_slot("10.0.0.8", maximum=1)
    await release_slot(old)
    assert await held_slots("10.0.0.8", maximum=1) == 1
    await release_slot(new)
    assert await held_slots("10.0.0.8", maximum=1) == 0


@pytest.mark.parametrize("value, expected", [(None, 6), ("3000", 3000), (" 12 ", 12)])
def test_the_stream_cap_comes_from_the_environment_or_the_default(monkeypatch, value, expected):
    monkeypatch.delenv("KB_SSE_MAX_PER_CLIENT", raising=False)
    if value is not None:
        monkeypatch.setenv("KB_SSE_MAX_PER_CLIENT", value)
    assert max_streams_per_client() == expected


@pytest.mark.parametrize("value", ["0", "-1", "many", "100001"])
def test_a_bad_stream_cap_stops_with_an_error_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("KB_SSE_MAX_PER_CLIENT", value)
    with pytest.raises(ImproperlyConfigured, match="KB_SSE_MAX_PER_CLIENT"):
        max_streams_per_client()
