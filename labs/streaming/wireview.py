"""The wire view: record a lab endpoint over a loopback socket and describe the bytes as JSON.

SSRF: the connection goes to the server's own address (the ASGI scope's ``server``, with a
wildcard bind replaced by loopback; else 127.0.0.1 and the port the request came in on) and
to a path from the fixed table in :func:`demo_requests`. The request only chooses a demo and
validated integers/header values; never a host, a port or a path.
"""

from __future__ import annotations

import base64
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlencode

from labs.streaming.endpoints import EVENTS_PATH
from labs.streaming.preview import explain_reason, show_bytes
from labs.streaming.ranges import parse_multipart_byteranges, plan_range_response
from labs.streaming.sample import (
    SAMPLE_CONTENT_TYPE,
    SAMPLE_ETAG,
    SAMPLE_LAST_MODIFIED,
    SAMPLE_SIZE,
)
from labs.streaming.sse import parse_event_stream
from labs.streaming.wire import WireRecording, record_get

# Display at most this much of each arrival; the exact bytes travel in raw_base64.
ARRIVAL_DISPLAY_BYTES = 2048
STALE_ETAG = '"an-old-version"'


class WireUnavailableError(Exception):
    """The server's own address is unknown (for example a Unix-socket listener)."""


@dataclass(frozen=True)
class DemoRequest:
    label: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()


def own_address(server: tuple | list | None, request_port: str | int | None) -> tuple[str, int]:
    """Host (bracketed if IPv6) and port of this server, from the ASGI scope's ``server``."""
    host: str | None = None
    port: int | None = None
    if server and len(server) == 2 and server[1] is not None:
        host, port = str(server[0]), int(server[1])
    elif request_port is not None and str(request_port).isdigit():
        host, port = "127.0.0.1", int(request_port)
    if host is None or port is None or not 0 < port < 65536:
        raise WireUnavailableError("this server does not listen on a TCP port")
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        # A name ("testserver", a Unix socket path): not an address we can trust to be our own.
        address = ipaddress.ip_address("127.0.0.1")
    if address.is_unspecified:  # bound to 0.0.0.0 or ::: reach ourselves over loopback
        address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    text = f"[{address}]" if address.version == 6 else str(address)
    return text, port


def demo_requests(demo: str, params: dict, paths: dict[str, str]) -> list[DemoRequest]:
    """The fixed requests for a demo; ``paths`` maps chunked/chunked-wrong/file to URL paths."""
    if demo in ("chunked", "chunked-wrong"):
        query = urlencode({"chunks": params["chunks"], "interval_ms": params["interval_ms"]})
        label = "chunked" if demo == "chunked" else "chunked-wrong (the mistake)"
        return [DemoRequest(label, f"{paths[demo]}?{query}")]
    if demo == "sse":
        query = urlencode({"count": params["count"], "interval_ms": params["interval_ms"]})
        return [DemoRequest("sse", f"{EVENTS_PATH}?{query}")]
    if demo == "range":
        file_path = paths["file"]
        if params.get("range") or params.get("if_range"):
            headers = []
            if params.get("range"):
                headers.append(("Range", params["range"]))
            if params.get("if_range"):
                headers.append(("If-Range", params["if_range"]))
            return [DemoRequest("your Range header", file_path, tuple(headers))]
        return [
            DemoRequest("first 500 bytes", file_path, (("Range", "bytes=0-499"),)),
            DemoRequest("last 500 bytes (suffix)", file_path, (("Range", "bytes=-500"),)),
            DemoRequest("past the end: 416", file_path, (("Range", "bytes=10000-"),)),
            DemoRequest(
                "two ranges: multipart/byteranges", file_path, (("Range", "bytes=0-99,200-299"),)
            ),
            DemoRequest(
                "resume with If-Range (current ETag): 206",
                file_path,
                (("Range", "bytes=5000-"), ("If-Range", SAMPLE_ETAG)),
            ),
            DemoRequest(
                "resume with If-Range (stale ETag): 200, whole file",
                file_path,
                (("Range", "bytes=5000-"), ("If-Range", STALE_ETAG)),
            ),
        ]
    raise ValueError(f"unknown demo {demo!r}")


async def record_demo(
    demo_list: list[DemoRequest],
    *,
    address: tuple[str, int],
    host_header: str,
    forwarded_https: bool,
    language: str,
) -> list[dict]:
    exchanges = []
    for demo in demo_list:
        headers = [("Host", host_header), *demo.headers]
        if forwarded_https:
            # Behind a TLS-terminating proxy Django redirects plain HTTP; say what the proxy says.
            headers.append(("X-Forwarded-Proto", "https"))
        recording = await record_get(address[0], address[1], demo.path, headers=headers)
        exchanges.append(describe(recording, demo, language))
    return exchanges


def describe(recording: WireRecording, demo: DemoRequest, language: str) -> dict:
    """One request/response exchange as JSON-ready data."""
    head = recording.head
    exchange: dict = {
        "label": demo.label,
        "request": recording.request.decode("ascii"),
        "ended": recording.ended,
        "error": recording.error,
        "connect_ms": _ms(recording.connect_ms),
        "interim": [interim.status_line for interim in recording.interim],
        "status_line": head.status_line if head else None,
        "status": head.status if head else None,
        "headers": [list(pair) for pair in head.headers] if head else [],
        "head_bytes": head.size if head else None,
        "body_bytes": len(recording.body),
        "arrivals": [
            {
                "at_ms": _ms(arrival.at_ms),
                "size": len(arrival.data),
                "text": show_bytes(arrival.data, ARRIVAL_DISPLAY_BYTES),
            }
            for arrival in recording.arrivals
        ],
        "raw_base64": base64.b64encode(recording.raw).decode("ascii"),
        "chunked": None,
        "events": None,
        "parts": None,
        "explanation": None,
    }
    payload = recording.body
    decoding = recording.decode_chunked()
    if decoding is not None:
        payload = decoding.payload
        exchange["chunked"] = {
            "chunks": [
                {
                    "size_line": chunk.size_line,
                    "size": chunk.size,
                    "at_ms": _ms(recording.body_arrival_ms(chunk.offset)),
                    "data": show_bytes(chunk.data, 256),
                }
                for chunk in decoding.chunks
            ],
            "complete": decoding.complete,
            "payload_bytes": len(decoding.payload),
            "payload_text": show_bytes(decoding.payload, ARRIVAL_DISPLAY_BYTES),
            "error": decoding.error,
            "double_framing": _double_framing(decoding),
        }
        exchange["explanation"] = decoding.explain(language)
    content_type = (head.header("Content-Type") or "") if head else ""
    if content_type.startswith("text/event-stream"):
        stream = parse_event_stream(payload)
        exchange["events"] = [
            {"type": e.type, "data": e.data, "last_event_id": e.last_event_id}
            for e in stream.events
        ]
        exchange["comments"] = list(stream.comments)
        exchange["retry_ms"] = stream.reconnection_time_ms
    if demo.path.endswith("sample.bin") and head is not None:
        exchange["explanation"] = _range_explanation(demo, language)
        boundary = content_type.partition("boundary=")[2]
        if content_type.startswith("multipart/byteranges") and boundary:
            try:
                parts = parse_multipart_byteranges(payload, boundary)
            except ValueError as error:
                exchange["parts"] = {"error": str(error)}
            else:
                exchange["parts"] = [
                    {"content_range": part.content_range, "bytes": len(part.data)} for part in parts
                ]
    return exchange


def _double_framing(decoding) -> dict | None:
    if decoding.double_framing is None:
        return None
    inner = decoding.double_framing.inner
    return {
        "inner_size_lines": [chunk.size_line for chunk in inner.chunks],
        "inner_payload_text": show_bytes(inner.payload, ARRIVAL_DISPLAY_BYTES),
    }


def _range_explanation(demo: DemoRequest, language: str) -> str:
    plan = plan_range_response(
        length=SAMPLE_SIZE,
        content_type=SAMPLE_CONTENT_TYPE,
        headers=dict(demo.headers),
        etag=SAMPLE_ETAG,
        last_modified=SAMPLE_LAST_MODIFIED,
    )
    return explain_reason(plan.reason, language)


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
