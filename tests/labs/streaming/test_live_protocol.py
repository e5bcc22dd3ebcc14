"""Every endpoint's contract against a real daphne, over real sockets (tests/live.py).

No timing is asserted (that is bench/'s job); what is asserted is what crosses the wire: the
framing, the status lines, the headers, the order in which pieces arrive, and who receives what.
"""

import asyncio
import http.client
import json
import os
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from labs.streaming.ranges import parse_multipart_byteranges
from labs.streaming.sample import SAMPLE_ETAG, sample_bytes
from labs.streaming.sse import parse_event_stream
from labs.streaming.streams import demo_payload
from labs.streaming.wire import record_get
from tests import live
from tests.live import LiveSite, stop_live_site
from tests.services import REDIS_URL, port_open, require_redis

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("streaming-live")]

FILE = "/api/labs/streaming/files/sample.bin"
MAX_STREAMS = 3
ROOMY_WS_LIMIT = str(1024 * 1024)


def start_site_without_content(redis_url: str | None) -> LiveSite:
    """tests.live.start_live_site without `loadcontent` (12 s here): these tests read no content."""
    workdir = Path(tempfile.mkdtemp(prefix="kbsite-streaming-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        env["DATABASE_URL"] = live._postgres_database(base)
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'live.sqlite3'}"
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(
        KB_DEBUG="0",
        KB_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="kbsite.settings",
        KB_SSE_MAX_PER_CLIENT=str(MAX_STREAMS),
    )
    site = LiveSite(env=env, workdir=workdir)
    site.manage("migrate", "--noinput")
    site.start_server()
    return site


@pytest.fixture(scope="module")
def site():
    """One daphne (on Redis when it answers, so the cross-process tests can join it)."""
    redis_url = REDIS_URL if port_open("127.0.0.1", 6379) else None
    if redis_url:
        import redis

        # Slot leases left by an interrupted run would count against this one.
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter("kbsite:*streaming:sse-slot:*"):
            client.delete(key)
    live_site = start_site_without_content(redis_url)
    yield live_site
    stop_live_site(live_site)


@pytest.fixture(scope="module")
def second(site):
    """A second daphne on the same database (and Redis), without daphne's 64 KB message limit."""
    return site.start_server("--websocket-max-message-size", ROOMY_WS_LIMIT)


def address(url):
    parts = urlsplit(url)
    return parts.hostname, parts.port


def get(url, path, headers=(), timeout_s=5.0):
    host, port = address(url)
    return asyncio.run(record_get(host, port, path, headers=list(headers), timeout_s=timeout_s))


def get_json(url, path):
    request = urllib.request.Request(url + path, headers={"Accept-Language": "en"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.load(response)


# --- chunked --------------------------------------------------------------------------------


def test_a_chunked_body_decodes_once_to_the_payload_and_arrives_piece_by_piece(site):
    recording = get(site.url, "/api/labs/streaming/chunked/?chunks=3&interval_ms=300")
    assert recording.ended == "complete"
    assert recording.head.status == 200 and recording.head.is_chunked
    decoding = recording.decode_chunked()
    assert decoding.complete and decoding.error is None
    assert decoding.payload == demo_payload(3, 32)  # single framing: one decoding is enough
    assert decoding.double_framing is None
    arrivals = [recording.body_arrival_ms(chunk.offset) for chunk in decoding.chunks]
    assert arrivals == sorted(arrivals) and len(set(arrivals)) == 3  # three separate reads


def test_an_app_that_frames_its_own_chunks_is_framed_twice_on_the_wire(site):
    recording = get(site.url, "/api/labs/streaming/chunked-wrong/?chunks=2&interval_ms=0")
    assert recording.head.header("Transfer-Encoding") == "chunked"  # once: the server's
    decoding = recording.decode_chunked()
    assert decoding.complete
    assert decoding.payload.startswith(b"20\r\nchunk 1 of 2")  # what a browser would display
    assert decoding.double_framing.inner.payload == demo_payload(2, 32)


# --- the wire view -----------------------------------------------------------------------------


def test_the_wire_view_records_the_right_and_the_wrong_chunked_demo(site):
    right = get_json(site.url, "/api/labs/streaming/wire/?demo=chunked&chunks=2&interval_ms=100")
    (exchange,) = right["exchanges"]
    assert exchange["status_line"] == "HTTP/1.1 200 OK" and exchange["ended"] == "complete"
    assert ["Transfer-Encoding", "chunked"] in exchange["headers"]
    assert exchange["request"].startswith(
        "GET /api/labs/streaming/chunked/?chunks=2&interval_ms=100 "
    )
    assert exchange["chunked"]["complete"] and exchange["chunked"]["double_framing"] is None
    assert [c["size_line"] for c in exchange["chunked"]["chunks"]] == ["20", "20"]
    assert all(a["at_ms"] >= 0 and a["size"] > 0 for a in exchange["arrivals"])
    wrong = get_json(
        site.url, "/api/labs/streaming/wire/?demo=chunked-wrong&chunks=2&interval_ms=0"
    )
    assert wrong["exchanges"][0]["chunked"]["double_framing"]["inner_size_lines"] == ["20", "20"]
    assert "the application wrote" in wrong["exchanges"][0]["explanation"]


def test_the_wire_view_explains_in_the_language_asked_for(site):
    path = "/api/labs/streaming/wire/?demo=chunked&chunks=1&interval_ms=0&lang="
    assert "数据块" in get_json(site.url, path + "zh-hans")["exchanges"][0]["explanation"]
    assert "data chunks" in get_json(site.url, path + "en")["exchanges"][0]["explanation"]


def test_the_wire_view_records_an_event_stream(site):
    data = get_json(site.url, "/api/labs/streaming/wire/?demo=sse&count=2&interval_ms=100")
    (exchange,) = data["exchanges"]
    assert [e["type"] for e in exchange["events"]] == ["hello", "tick", "tick"]
    assert exchange["retry_ms"] == 3000


def test_the_wire_view_s_range_examples_cover_every_case(site):
    data = get_json(site.url, "/api/labs/streaming/wire/?demo=range")
    statuses = [exchange["status"] for exchange in data["exchanges"]]
    assert statuses == [206, 206, 416, 206, 206, 200]
    assert [p["content_range"] for p in data["exchanges"][3]["parts"]] == [
        "bytes 0-99/10000",
        "bytes 200-299/10000",
    ]


def test_the_article_s_wire_links_answer(site):
    paths = [
        f"/api/labs/streaming/wire/?demo={demo}" for demo in ("chunked", "chunked-wrong", "range")
    ]
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda path: get_json(site.url, path), paths))
    assert all(answer["exchanges"][0]["status"] in (200, 206) for answer in answers)


# --- server-sent events ------------------------------------------------------------------------


def test_an_event_stream_resumes_after_last_event_id_and_stops_with_204(site):
    path = "/sse/labs/streaming/events/?count=3&interval_ms=100"
    full = get(site.url, path)
    assert full.head.status == 200 and full.head.header("Content-Type") == "text/event-stream"
    events = parse_event_stream(full.decode_chunked().payload)
    assert [e.last_event_id for e in events.events if e.type == "tick"] == ["1", "2", "3"]
    assert events.comments and events.reconnection_time_ms == 3000
    resumed = get(site.url, path, [("Last-Event-ID", "2")])
    tail = parse_event_stream(resumed.decode_chunked().payload)
    assert [e.last_event_id for e in tail.events if e.type == "tick"] == ["3"]
    done = get(site.url, path, [("Last-Event-ID", "3")])
    assert done.head.status == 204 and done.ended == "complete"


def test_the_article_s_event_stream_link_answers(site):
    recording = get(site.url, "/sse/labs/streaming/events/?count=10&interval_ms=500", timeout_s=0.8)
    assert recording.head.status == 200
    assert b"event: hello" in recording.body


@asynccontextmanager
async def open_stream(url, path, source="127.0.0.1"):
    """A raw HTTP/1.1 GET whose response we keep open; yields (status, reader).

    ``source`` picks the client address (any 127.x.y.z on Linux), so each test that counts
    streams per client has a client of its own.
    """
    host, port = address(url)
    reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    status = int(head.split(b" ", 2)[1])
    try:
        yield status, reader
    finally:
        writer.close()


def test_a_client_past_the_stream_cap_gets_429_and_a_closed_stream_frees_its_place(site):
    path = "/sse/labs/streaming/events/?count=100&interval_ms=1000"
    me = "127.0.0.2"

    async def scenario():
        async with (
            open_stream(site.url, path, me) as (first, _),
            open_stream(site.url, path, me) as (second, _),
        ):
            async with open_stream(site.url, path, me) as (third, _):
                async with open_stream(site.url, path, me) as (over, reader):
                    body = await reader.read(2000)
                assert (first, second, third, over) == (200, 200, 200, 429)
                assert b"too many open streams" in body
                async with open_stream(site.url, path, "127.0.0.3") as (someone_else, _):
                    assert someone_else == 200
            # The third stream closed while two stay open: its consumer noticed the
            # http.disconnect and released its slot, so a new stream fits again.
            for _attempt in range(40):
                async with open_stream(site.url, path, me) as (status, _):
                    if status == 200:
                        return True
                await asyncio.sleep(0.05)
            return False

    assert asyncio.run(scenario())


# --- range requests ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers, status, content_range, body",
    [
        ([("Range", "bytes=0-499")], 206, "bytes 0-499/10000", sample_bytes()[:500]),
        ([("Range", "bytes=-500")], 206, "bytes 9500-9999/10000", sample_bytes()[-500:]),
        ([("Range", "bytes=10000-")], 416, "bytes */10000", b""),
        ([("Range", "bytes=0-1"), ("If-Range", '"stale"')], 200, None, sample_bytes()),
        (
            [("Range", "bytes=5000-"), ("If-Range", SAMPLE_ETAG)],
            206,
            "bytes 5000-9999/10000",
            sample_bytes()[5000:],
        ),
        ([], 200, None, sample_bytes()),
    ],
)
def test_every_range_case_on_the_wire(site, headers, status, content_range, body):
    recording = get(site.url, FILE, headers)
    assert recording.ended == "complete"
    assert recording.head.status == status
    assert recording.head.header("Content-Range") == content_range
    assert recording.head.header("Accept-Ranges") == "bytes"
    assert recording.head.header("ETag") == SAMPLE_ETAG
    assert recording.body == body
    assert not recording.head.is_chunked  # a known length travels with Content-Length


def test_two_ranges_arrive_as_multipart_byteranges(site):
    recording = get(site.url, FILE, [("Range", "bytes=0-99,200-299")])
    content_type = recording.head.header("Content-Type")
    parts = parse_multipart_byteranges(recording.body, content_type.partition("boundary=")[2])
    assert [p.data for p in parts] == [sample_bytes()[:100], sample_bytes()[200:300]]


def test_head_gets_the_headers_and_no_body(site):
    host, port = address(site.url)
    connection = http.client.HTTPConnection(host, port, timeout=5)
    connection.request("HEAD", FILE)
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Length") == "10000"
    assert response.read() == b""
    connection.close()


# --- WebSocket ---------------------------------------------------------------------------------


def ws_url(url, path):
    return url.replace("http://", "ws://") + path


def test_the_echo_socket_echoes_and_a_room_relays_json(site):
    async def scenario():
        async with connect(ws_url(site.url, "/ws/labs/streaming/echo/"), origin=site.url) as echo:
            await echo.send("hello")
            assert await echo.recv() == "hello"
        room = ws_url(site.url, "/ws/labs/streaming/room/live-test/")
        async with connect(room, origin=site.url) as a, connect(room, origin=site.url) as b:
            assert json.loads(await a.recv())["type"] == "joined"
            assert json.loads(await b.recv())["type"] == "joined"
            await a.send(json.dumps({"message": "hi"}))
            for ws in (a, b):
                relayed = json.loads(await ws.recv())
                assert relayed["message"] == "hi" and relayed["sender"] and relayed["time"]
            await a.send("{broken")
            assert json.loads(await a.recv())["code"] == "invalid_json"

    asyncio.run(scenario())


@pytest.mark.parametrize("origin", ["http://evil.example", "null", None])
def test_foreign_null_and_missing_origins_are_refused_at_the_handshake(site, origin):
    async def scenario():
        with pytest.raises(InvalidStatus) as refused:
            async with connect(ws_url(site.url, "/ws/labs/streaming/echo/"), origin=origin):
                pass
        return refused.value.response.status_code

    assert asyncio.run(scenario()) == 403


async def send_too_big(url):
    async with connect(ws_url(url, "/ws/labs/streaming/echo/"), origin=url, max_size=None) as ws:
        await ws.send("x" * 70_000)
        with pytest.raises(ConnectionClosed):
            await ws.recv()  # never an echo
        return ws.close_code


def test_a_message_over_64_kb_ends_the_connection(site):
    # daphne --websocket-max-message-size 65536: autobahn fails the connection by dropping TCP,
    # so no Close frame arrives and the client reports 1006 (it would be 1009 with a frame).
    assert asyncio.run(send_too_big(site.url)) in (1006, 1009)


def test_without_daphne_s_limit_the_application_closes_with_4009(second):
    assert asyncio.run(send_too_big(second)) == 4009


# --- across processes, with Redis --------------------------------------------------------------


def csrf_post(url, path, message):
    """POST JSON like the page's script: CSRF cookie from the page, token in X-CSRFToken."""
    jar = urllib.request.HTTPCookieProcessor()
    opener = urllib.request.build_opener(jar)
    opener.open(url + "/en/labs/streaming/", timeout=10).read()
    token = next(c.value for c in jar.cookiejar if c.name == "csrftoken")
    request = urllib.request.Request(
        url + path,
        data=json.dumps({"message": message}).encode(),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
        method="POST",
    )
    with opener.open(request, timeout=10) as response:
        return response.status, json.load(response)


@pytest.mark.services
def test_a_broadcast_reaches_sse_and_websocket_subscribers_on_both_daphne_processes(site, second):
    require_redis()
    first = site.url
    message = f"cross-process {os.getpid()}"

    async def scenario():
        async with open_stream(second, "/sse/labs/streaming/broadcast/", "127.0.0.4") as (
            status,
            sse,
        ):
            assert status == 200
            room_path = "/ws/labs/streaming/room/cross/"
            async with (
                connect(ws_url(first, room_path), origin=first) as ws1,
                connect(ws_url(second, room_path), origin=second) as ws2,
            ):
                await ws1.recv(), await ws2.recv()  # joined
                await sse.readuntil(b"event: hello")
                status, sent = await asyncio.to_thread(
                    csrf_post, first, "/api/labs/streaming/broadcast/", message
                )
                assert status == 202
                received = {}
                for name, ws in (("ws-first", ws1), ("ws-second", ws2)):
                    while name not in received:  # other runs may share this Redis: skip theirs
                        data = json.loads(await asyncio.wait_for(ws.recv(), 5))
                        if data.get("message") == message:
                            received[name] = data
                await asyncio.wait_for(sse.readuntil(message.encode()), 5)
                received["sse-second"] = sent["sent"]
                return received

    received = asyncio.run(scenario())
    assert set(received) == {"ws-first", "ws-second", "sse-second"}
    assert received["ws-first"] == received["ws-second"] == received["sse-second"]


@pytest.mark.services
def test_the_stream_cap_is_shared_by_every_process_through_redis(site, second):
    require_redis()
    path = "/sse/labs/streaming/events/?count=100&interval_ms=1000"
    me = "127.0.0.5"

    async def scenario():
        async with (
            open_stream(site.url, path, me) as (a, _),
            open_stream(second, path, me) as (b, _),
            open_stream(second, path, me) as (c, _),
            open_stream(site.url, path, me) as (over, _),
        ):
            return a, b, c, over

    assert asyncio.run(scenario()) == (200, 200, 200, 429)
