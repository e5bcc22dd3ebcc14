"""The lab's HTTP API through Django's test clients: contracts, 400s, 404s, 429s, SSRF guard."""

import json

import pytest
from channels.layers import InMemoryChannelLayer, channel_layers

from labs.streaming import wireview
from labs.streaming.ranges import parse_multipart_byteranges
from labs.streaming.sample import SAMPLE_ETAG, SAMPLE_SIZE, sample_bytes
from labs.streaming.streams import demo_payload
from labs.streaming.wire import decode_chunked, encode_chunked
from labs.streaming.wireview import WireUnavailableError, own_address

API = "/api/labs/streaming"
FILE = f"{API}/files/sample.bin"


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    old = channel_layers.set("default", InMemoryChannelLayer())
    yield
    if old is None:  # never built before: let the next user build it from the settings
        channel_layers.backends.pop("default", None)
    else:
        channel_layers.set("default", old)


async def read_all(response) -> bytes:
    if not response.streaming:
        return response.content
    return b"".join([chunk async for chunk in response.streaming_content])


# --- chunked -------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_chunked_streams_the_lines_without_framing_them_itself(async_client):
    response = await async_client.get(f"{API}/chunked/?chunks=3&interval_ms=0&chunk_bytes=20")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert not response.has_header("Transfer-Encoding")
    assert not response.has_header("Content-Length")
    pieces = [chunk async for chunk in response.streaming_content]
    assert pieces == [b"chunk 1 of 3 ......\n", b"chunk 2 of 3 ......\n", b"chunk 3 of 3 ......\n"]
    assert b"".join(pieces) == demo_payload(3, 20)


@pytest.mark.asyncio
async def test_chunked_wrong_is_the_labelled_mistake_framed_by_the_app(async_client):
    response = await async_client.get(f"{API}/chunked-wrong/?chunks=2&interval_ms=0")
    assert response["Transfer-Encoding"] == "chunked"
    assert "deliberately wrong" in response["X-Lab-Warning"]
    body = await read_all(response)
    # What the app hands the server is already chunked: the server's own framing makes it double.
    inner = decode_chunked(body)
    assert inner.complete and inner.payload == demo_payload(2, 32)
    assert decode_chunked(encode_chunked([body])).double_framing is not None


@pytest.mark.parametrize(
    "query, name",
    [
        ("chunks=0", "chunks"),
        ("chunks=51", "chunks"),
        ("chunks=", "chunks"),
        ("interval_ms=-1", "interval_ms"),
        ("interval_ms=2001", "interval_ms"),
        ("chunk_bytes=4097", "chunk_bytes"),
        ("chunks=ten", "chunks"),
    ],
)
@pytest.mark.parametrize("endpoint", ["chunked", "chunked-wrong"])
def test_bad_chunked_parameters_get_400_naming_the_parameter(client, endpoint, query, name):
    response = client.get(f"{API}/{endpoint}/?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{name}:")


def test_a_chunked_stream_longer_than_ten_seconds_is_refused(client):
    response = client.get(f"{API}/chunked/?chunks=50&interval_ms=300", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "10000 ms" in response.json()["error"]


def test_chunked_is_rate_limited_per_client(client):
    statuses = [client.get(f"{API}/chunked/?chunks=1").status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429


# --- sample.bin -----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_the_whole_file_has_a_strong_etag_and_accepts_ranges(async_client):
    response = await async_client.get(FILE)
    assert response.status_code == 200
    assert response["ETag"] == SAMPLE_ETAG and not SAMPLE_ETAG.startswith("W/")
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(SAMPLE_SIZE)
    assert response.streaming  # read lazily from the file, not built in memory first
    assert await read_all(response) == sample_bytes()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "header, content_range, start, end",
    [
        ("bytes=0-499", "bytes 0-499/10000", 0, 500),
        ("bytes=-500", "bytes 9500-9999/10000", 9500, 10000),
        ("bytes=9990-", "bytes 9990-9999/10000", 9990, 10000),
        ("bytes=9990-20000", "bytes 9990-9999/10000", 9990, 10000),
    ],
)
async def test_a_single_range_gets_206_with_content_range(
    async_client, header, content_range, start, end
):
    response = await async_client.get(FILE, headers={"Range": header})
    assert response.status_code == 206
    assert response["Content-Range"] == content_range
    assert response["Content-Length"] == str(end - start)
    assert await read_all(response) == sample_bytes()[start:end]


@pytest.mark.asyncio
async def test_a_range_past_the_end_gets_416_with_the_complete_length(async_client):
    response = await async_client.get(FILE, headers={"Range": "bytes=10000-"})
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */10000"
    assert not response.has_header("Content-Type")
    assert await read_all(response) == b""


@pytest.mark.asyncio
async def test_two_ranges_get_a_multipart_byteranges_body(async_client):
    response = await async_client.get(FILE, headers={"Range": "bytes=0-99,200-299"})
    assert response.status_code == 206
    content_type = response["Content-Type"]
    assert content_type.startswith("multipart/byteranges; boundary=")
    body = await read_all(response)
    assert len(body) == int(response["Content-Length"])
    parts = parse_multipart_byteranges(body, content_type.partition("boundary=")[2])
    assert [p.content_range for p in parts] == ["bytes 0-99/10000", "bytes 200-299/10000"]
    assert [p.data for p in parts] == [sample_bytes()[:100], sample_bytes()[200:300]]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "if_range, status", [(SAMPLE_ETAG, 206), ('"stale"', 200), (f"W/{SAMPLE_ETAG}", 200)]
)
async def test_if_range_serves_the_slice_only_when_the_validator_is_current(
    async_client, if_range, status
):
    response = await async_client.get(FILE, headers={"Range": "bytes=5000-", "If-Range": if_range})
    assert response.status_code == status
    body = await read_all(response)
    assert body == (sample_bytes()[5000:] if status == 206 else sample_bytes())


@pytest.mark.asyncio
async def test_if_range_with_the_last_modified_date_also_matches(async_client):
    headers = {"Range": "bytes=0-9", "If-Range": "Wed, 01 Jan 2025 00:00:00 GMT"}
    response = await async_client.get(FILE, headers=headers)
    assert response.status_code == 206


@pytest.mark.asyncio
@pytest.mark.parametrize("header", ["bytes=5-1", "items=0-1", "bytes=0-1," * 17, "garbage"])
async def test_invalid_or_abusive_range_headers_are_ignored_with_the_whole_file(
    async_client, header
):
    response = await async_client.get(FILE, headers={"Range": header})
    assert response.status_code == 200
    assert len(await read_all(response)) == SAMPLE_SIZE


def test_head_gets_the_get_headers_without_a_body(client):
    response = client.head(FILE, headers={"Range": "bytes=0-1"})
    assert response.status_code == 200
    assert response["Content-Length"] == str(SAMPLE_SIZE)
    assert response["ETag"] == SAMPLE_ETAG
    assert response.content == b""


def test_an_unknown_file_is_a_json_404(client):
    response = client.get(f"{API}/files/passwd")
    assert response.status_code == 404
    assert "sample.bin" in response.json()["error"]


def test_post_to_the_file_is_not_allowed(client):
    assert client.post(FILE).status_code == 405


# --- the wire view ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, name",
    [
        ("demo=evil", "demo"),
        ("demo=chunked&chunks=0", "chunks"),
        ("demo=chunked&interval_ms=3000", "interval_ms"),
        ("demo=sse&interval_ms=50", "interval_ms"),
        ("demo=range&range=bytes%3D0-1%01", "range"),
        ("demo=range&if_range=" + "x" * 201, "if_range"),
    ],
)
def test_bad_wire_parameters_get_400_naming_the_parameter(client, query, name):
    response = client.get(f"{API}/wire/?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{name}:")


def test_a_wire_recording_longer_than_ten_seconds_is_refused(client):
    response = client.get(
        f"{API}/wire/?demo=sse&count=30&interval_ms=1000", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "10000 ms" in response.json()["error"]


@pytest.mark.asyncio
async def test_the_wire_view_only_ever_connects_to_its_own_address_and_fixed_paths(
    async_client, monkeypatch
):
    calls = []

    async def fake_record_get(host, port, path, *, headers=()):
        calls.append((host, port, path, dict(headers)))
        raise OSError("recorded, not sent")

    monkeypatch.setattr(wireview, "record_get", fake_record_get)
    query = (
        "demo=chunked&host=evil.example&port=6379&path=/admin/&url=http://evil.example/"
        "&chunks=2&interval_ms=0"
    )
    with pytest.raises(OSError):
        await async_client.get(f"{API}/wire/?{query}")
    ((host, port, path, headers),) = calls
    assert (host, port) == ("127.0.0.1", 80)  # the test client's own server, over loopback
    assert path == "/api/labs/streaming/chunked/?chunks=2&interval_ms=0"
    assert headers["Host"] == "testserver"  # already checked against ALLOWED_HOSTS


@pytest.mark.parametrize(
    "server, port, expected",
    [
        (("127.0.0.1", 8000), None, ("127.0.0.1", 8000)),
        (("0.0.0.0", 8000), None, ("127.0.0.1", 8000)),
        (("::", 9000), None, ("[::1]", 9000)),
        (("::1", 9000), None, ("[::1]", 9000)),
        (("10.1.2.3", 80), None, ("10.1.2.3", 80)),
        (("testserver", "80"), None, ("127.0.0.1", 80)),
        (None, "8123", ("127.0.0.1", 8123)),
    ],
)
def test_the_wire_view_s_target_is_the_server_itself(server, port, expected):
    assert own_address(server, port) == expected


@pytest.mark.parametrize(
    "server, port", [(None, None), (None, "unknown"), (("/run/x.sock", None), None)]
)
def test_without_a_tcp_listener_the_wire_view_is_unavailable(server, port):
    with pytest.raises(WireUnavailableError):
        own_address(server, port)


def test_the_range_demo_has_six_ready_made_requests_and_honours_your_own():
    paths = {"file": "/f"}
    assert len(wireview.demo_requests("range", {}, paths)) == 6
    (mine,) = wireview.demo_requests("range", {"range": "bytes=1-2", "if_range": '"x"'}, paths)
    assert mine.path == "/f" and mine.headers == (("Range", "bytes=1-2"), ("If-Range", '"x"'))


# --- broadcast and drop -------------------------------------------------------------------------


async def subscribe(group):
    layer = channel_layers["default"]
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    return layer, channel


@pytest.mark.asyncio
async def test_json_broadcast_with_the_csrf_token_reaches_the_group(async_client):
    layer, channel = await subscribe("streaming.broadcast")
    page = await async_client.get("/en/labs/streaming/")
    token = page.cookies["csrftoken"].value
    response = await async_client.post(
        f"{API}/broadcast/",
        data=json.dumps({"message": "hello all"}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 202
    sent = response.json()["sent"]
    assert sent["message"] == "hello all" and sent["sender"].startswith("guest-")
    message = await layer.receive(channel)
    assert message == {"type": "broadcast.message", "payload": sent}


@pytest.mark.asyncio
async def test_the_drop_endpoint_tells_the_stream_s_group(async_client):
    token = "ab" * 16
    layer, channel = await subscribe(f"streaming.drop.{token}")
    response = await async_client.post(
        f"{API}/events/drop/", data=json.dumps({"stream": token}), content_type="application/json"
    )
    assert response.status_code == 202
    assert await layer.receive(channel) == {"type": "stream.drop"}


@pytest.mark.parametrize("body", ["{}", '{"stream": "short"}', '{"stream": 5}', "[]", "nope"])
def test_the_drop_endpoint_needs_a_hex_token(client, body):
    response = client.post(f"{API}/events/drop/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.json()
