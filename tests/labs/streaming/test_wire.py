import asyncio
import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labs.streaming.wire import (
    build_request,
    chunk_size_line,
    decode_chunked,
    encode_chunked,
    record_get,
    self_framed,
)

# Timing belongs in bench/: a loaded CI machine must not turn slow examples into failures.
no_deadline = settings(deadline=None)

# --- The chunked decoder -----------------------------------------------------------------------


def test_single_framed_body_decodes_into_its_chunks():
    raw = b"5\r\nhello\r\n1;lang=en\r\n \r\n6\r\nworld!\r\n0\r\n\r\n"
    decoded = decode_chunked(raw)
    assert decoded.complete and decoded.error is None
    assert [c.size_line for c in decoded.chunks] == ["5", "1;lang=en", "6"]
    assert decoded.chunks[1].extensions == (("lang", "en"),)
    assert decoded.payload == b"hello world!"
    assert decoded.consumed == len(raw)
    assert decoded.double_framing is None
    assert "3 data chunks" in decoded.explain("en")


def test_size_lines_are_hex_in_either_case_and_extensions_may_be_quoted():
    raw = b'A\r\n0123456789\r\n0a ; name = "quoted \\" value"\r\n0123456789\r\n0\r\n\r\n'
    decoded = decode_chunked(raw)
    assert [c.size for c in decoded.chunks] == [10, 10]
    assert decoded.chunks[1].extensions == (("name", 'quoted " value'),)


def test_trailers_after_the_last_chunk_are_reported():
    decoded = decode_chunked(b"2\r\nhi\r\n0\r\nChecksum: abc\r\n\r\n")
    assert decoded.complete
    assert decoded.trailers == (("Checksum", "abc"),)


def test_incomplete_body_is_not_an_error():
    decoded = decode_chunked(b"5\r\nhello\r\n6\r\nwor")
    assert not decoded.complete and decoded.error is None
    assert decoded.payload == b"hello"
    assert decoded.consumed == len(b"5\r\nhello\r\n")
    assert "has not arrived" in decoded.explain("en")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"5\r\nhello!!\r\n", "not followed by CRLF"),
        (b"zz\r\nhello\r\n", "invalid chunk-size line"),
        (b"5\nhello\n0\n\n", "bare LF"),
        (b"1" * 17 + b"\r\n", "too large"),
        (b"5;=x\r\nhello\r\n", "invalid chunk extension"),
        (b"0\r\nnot a field\r\n\r\n", "malformed trailer"),
    ],
)
def test_framing_errors_are_reported_with_their_offset(raw, message):
    decoded = decode_chunked(raw)
    assert decoded.error is not None and message in decoded.error
    assert decoded.error_offset is not None
    assert "framing error" in decoded.explain("en")


def test_an_app_that_frames_its_own_output_is_detected_as_double_framed():
    app_output = [b"5\r\nhello\r\n", b"6\r\n world\r\n", b"0\r\n\r\n"]
    on_the_wire = encode_chunked(app_output)
    decoded = decode_chunked(on_the_wire)
    assert decoded.complete
    assert decoded.payload == b"".join(app_output)
    assert decoded.double_framing is not None
    inner = decoded.double_framing.inner
    assert inner.payload == b"hello world"
    assert inner.complete
    assert "framed it again" in decoded.explain("en")
    assert "又编码了一次" in decoded.explain("zh-hans")


def test_double_framing_is_detected_even_without_the_inner_terminator():
    decoded = decode_chunked(encode_chunked([b"3\r\nabc\r\n", b"2\r\nde\r\n"]))
    assert decoded.double_framing is not None
    assert decoded.double_framing.inner.payload == b"abcde"


def test_plain_text_payload_is_not_mistaken_for_double_framing():
    decoded = decode_chunked(encode_chunked([b"chunk 1\n", b"chunk 2\n", b"abc\r\n"]))
    assert decoded.double_framing is None


@no_deadline
@given(st.lists(st.binary(min_size=1, max_size=50), max_size=10))
def test_encoding_then_decoding_returns_the_pieces(pieces):
    decoded = decode_chunked(encode_chunked(pieces), detect_double_framing=False)
    assert decoded.complete
    assert [c.data for c in decoded.chunks] == pieces


@no_deadline
@given(st.binary(max_size=200))
def test_decoder_never_raises_on_arbitrary_bytes(raw):
    decoded = decode_chunked(raw)
    assert 0 <= decoded.consumed <= len(raw)


def test_chunk_size_line_is_lower_case_hex():
    assert chunk_size_line(500) == "1f4"
    assert chunk_size_line(4096) == "1000"
    assert chunk_size_line(0) == "0"


# --- Request building --------------------------------------------------------------------------


def test_request_is_a_bodiless_get_with_connection_close():
    request = build_request("127.0.0.1", 8000, "/sse/?n=3", [("Last-Event-ID", "4")])
    assert request == (
        b"GET /sse/?n=3 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nLast-Event-ID: 4\r\n"
        b"Connection: close\r\n\r\n"
    )


@pytest.mark.parametrize(
    ("host", "path", "headers"),
    [
        ("evil\r\nX: y", "/", []),
        ("127.0.0.1", "no-slash", []),
        ("127.0.0.1", "/a b", []),
        ("127.0.0.1", "/", [("X-Bad", "a\r\nInjected: 1")]),
        ("127.0.0.1", "/", [("Bad Name", "x")]),
        ("127.0.0.1", "/", [("Transfer-Encoding", "chunked")]),
    ],
)
def test_requests_that_could_inject_lines_are_refused(host, path, headers):
    with pytest.raises(ValueError):
        build_request(host, 8000, path, headers)


# --- The client against a tiny server ----------------------------------------------------------


@contextlib.asynccontextmanager
async def serve(script):
    """A one-shot HTTP server on 127.0.0.1:0; ``script(writer)`` writes the response."""
    requests: list[bytes] = []

    async def handle(reader, writer):
        requests.append(await reader.readuntil(b"\r\n\r\n"))
        try:
            await script(writer)
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield port, requests
    finally:
        server.close()
        await server.wait_closed()


def test_chunks_written_with_pauses_arrive_as_separate_reads_in_time_order():
    pieces = [b"first\n", b"second\n", b"third\n"]

    async def script(writer):
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for piece in pieces:
            writer.write(encode_chunked([piece])[: -len(b"0\r\n\r\n")])
            await writer.drain()
            await asyncio.sleep(0.03)
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(1)  # keep the connection open: the client must stop by itself

    async def run():
        async with serve(script) as (port, requests):
            recording = await record_get("127.0.0.1", port, "/chunked/", timeout_s=5)
        return recording, requests

    recording, requests = asyncio.run(run())
    assert requests[0].startswith(b"GET /chunked/ HTTP/1.1\r\n")
    assert recording.ended == "complete"
    assert recording.head.status == 200 and recording.head.is_chunked
    assert len(recording.arrivals) >= len(pieces)
    times = [arrival.at_ms for arrival in recording.arrivals]
    assert times == sorted(times) and times[0] >= 0
    decoded = recording.decode_chunked()
    assert [chunk.data for chunk in decoded.chunks] == pieces
    chunk_times = [recording.body_arrival_ms(chunk.offset) for chunk in decoded.chunks]
    assert chunk_times == sorted(chunk_times)


def test_content_length_response_completes_without_waiting_for_close():
    async def script(writer):
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
        await writer.drain()
        await asyncio.sleep(1)

    async def run():
        async with serve(script) as (port, _):
            return await record_get("127.0.0.1", port, "/", timeout_s=5)

    recording = asyncio.run(run())
    assert recording.ended == "complete"
    assert recording.body == b"hello"
    assert recording.decode_chunked() is None


def test_interim_responses_are_recorded_before_the_final_one():
    async def script(writer):
        writer.write(b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n")
        writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        await writer.drain()

    async def run():
        async with serve(script) as (port, _):
            return await record_get("127.0.0.1", port, "/", timeout_s=5)

    recording = asyncio.run(run())
    assert [head.status for head in recording.interim] == [103]
    assert recording.head.status == 204
    assert recording.ended == "complete"


def test_a_silent_server_ends_the_recording_at_the_timeout_with_what_arrived():
    async def script(writer):
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: 1\n\n")
        await writer.drain()
        await asyncio.sleep(5)

    async def run():
        async with serve(script) as (port, _):
            return await record_get("127.0.0.1", port, "/sse/", timeout_s=1.0)

    recording = asyncio.run(run())
    assert recording.ended == "timeout"
    assert recording.head.header("content-type") == "text/event-stream"
    assert recording.body == b"data: 1\n\n"


def test_the_byte_cap_truncates_the_recording():
    async def script(writer):
        writer.write(b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 100_000)
        await writer.drain()

    async def run():
        async with serve(script) as (port, _):
            return await record_get("127.0.0.1", port, "/", max_bytes=1000, timeout_s=5)

    recording = asyncio.run(run())
    assert recording.ended == "max-bytes"
    assert len(recording.raw) == 1000


def test_a_server_that_closes_after_an_unframed_body_ends_as_closed():
    async def script(writer):
        writer.write(b"HTTP/1.1 200 OK\r\n\r\nuntil close")
        await writer.drain()

    async def run():
        async with serve(script) as (port, _):
            return await record_get("127.0.0.1", port, "/", timeout_s=5)

    recording = asyncio.run(run())
    assert (recording.ended, recording.body) == ("closed", b"until close")


def test_a_malformed_status_line_is_an_error_not_an_exception():
    async def script(writer):
        writer.write(b"ICY 200 OK\r\n\r\n")
        await writer.drain()

    async def run():
        async with serve(script) as (port, _):
            return await record_get("127.0.0.1", port, "/", timeout_s=5)

    recording = asyncio.run(run())
    assert recording.ended == "error" and "status line" in recording.error


def test_a_refused_connection_is_reported_not_raised():
    async def run():
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        return await record_get("127.0.0.1", port, "/", timeout_s=2)

    recording = asyncio.run(run())
    assert recording.ended == "error"
    assert recording.arrivals == ()


def test_the_lab_s_self_framing_mistake_is_caught_by_the_decoder():
    pieces = [b"tick 1\n", b"tick 2\n"]
    on_the_wire = encode_chunked([self_framed(piece) for piece in pieces])
    decoded = decode_chunked(on_the_wire)
    assert decoded.double_framing is not None
    assert decoded.double_framing.inner.payload == b"".join(pieces)
