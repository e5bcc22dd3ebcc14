"""What the lab page shows without JavaScript: exact bytes computed by the engine (no Django).

The live demos add timing; these previews show, for the same parameters, the bytes the server
sends — computed by the very functions the endpoints use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from labs.streaming.ranges import REASONS, ByteRange, plan_range_response
from labs.streaming.sample import (
    SAMPLE_CONTENT_TYPE,
    SAMPLE_ETAG,
    SAMPLE_LAST_MODIFIED,
    SAMPLE_SIZE,
)
from labs.streaming.sse import format_comment, format_event
from labs.streaming.streams import LAST_CHUNK, demo_line
from labs.streaming.websocket import Frame, Opcode, accept_key, encode_frame
from labs.streaming.wire import decode_chunked, encode_chunked, self_framed

STATUS_REASONS = {
    200: "OK",
    204: "No Content",
    206: "Partial Content",
    416: "Range Not Satisfiable",
}


def show_bytes(data: bytes, limit: int = 4096) -> str:
    """Bytes as readable text: CR and LF shown as \\r and \\n (a line break follows each \\n),
    other control and non-ASCII bytes as \\xNN. Longer input is cut with an ellipsis."""
    out: list[str] = []
    for byte in data[:limit]:
        if byte == 0x0D:
            out.append("\\r")
        elif byte == 0x0A:
            out.append("\\n\n")
        elif byte == 0x09:
            out.append("\\t")
        elif 0x20 <= byte < 0x7F:
            out.append(chr(byte))
        else:
            out.append(f"\\x{byte:02x}")
    if len(data) > limit:
        out.append(f"… (+{len(data) - limit} bytes)")
    return "".join(out)


def explain_reason(reason: str, language: str) -> str:
    texts = REASONS[reason]
    return texts["zh-hans"] if language.lower().startswith("zh") else texts["en"]


@dataclass(frozen=True)
class RangePreview:
    request_lines: tuple[str, ...]
    status_line: str
    headers: tuple[tuple[str, str], ...]
    body: tuple[str, ...]  # literal framing as text, and one "[bytes a-b]" line per span
    body_length: int
    reason: str
    explanation: str


def range_preview(range_value: str, if_range: str, language: str, path: str) -> RangePreview:
    """The response sample.bin gets for these headers, as the endpoint's own plan says."""
    headers = {}
    if range_value:
        headers["Range"] = range_value
    if if_range:
        headers["If-Range"] = if_range
    plan = plan_range_response(
        length=SAMPLE_SIZE,
        content_type=SAMPLE_CONTENT_TYPE,
        headers=headers,
        etag=SAMPLE_ETAG,
        last_modified=SAMPLE_LAST_MODIFIED,
    )
    body = []
    for piece in plan.body:
        if isinstance(piece, ByteRange):
            body.append(f"[{piece.length} bytes of sample.bin: {piece.start}-{piece.end}]")
        else:
            body.append(show_bytes(piece))
    return RangePreview(
        request_lines=(f"GET {path} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())),
        status_line=f"HTTP/1.1 {plan.status} {STATUS_REASONS.get(plan.status, '')}".rstrip(),
        headers=plan.headers,
        body=tuple(body),
        body_length=plan.content_length,
        reason=plan.reason,
        explanation=explain_reason(plan.reason, language),
    )


@dataclass(frozen=True)
class ChunkedExample:
    right_wire: str
    wrong_wire: str
    right_explanation: str
    wrong_explanation: str
    wrong_client_sees: str


def chunked_example(language: str, lines: int = 2, size: int = 16) -> ChunkedExample:
    """The same lines framed once by the server, and framed twice (the mistake)."""
    pieces = [demo_line(n, lines, size) for n in range(1, lines + 1)]
    right = encode_chunked(pieces)
    wrong = encode_chunked([self_framed(piece) for piece in pieces] + [LAST_CHUNK])
    wrong_decoded = decode_chunked(wrong)
    return ChunkedExample(
        right_wire=show_bytes(right),
        wrong_wire=show_bytes(wrong),
        right_explanation=decode_chunked(right).explain(language),
        wrong_explanation=wrong_decoded.explain(language),
        wrong_client_sees=show_bytes(wrong_decoded.payload),
    )


def sse_example(count: int = 2, retry_ms: int = 3000) -> str:
    """The start of an event stream as the events endpoint writes it."""
    hello = {"last_event_id": None, "resume_from": 1, "count": count, "interval_ms": 1000}
    text = format_comment(f"events 1..{count}, one every 1000 ms")
    text += format_event(json.dumps(hello), event="hello", retry_ms=retry_ms)
    for n in range(1, count + 1):
        text += format_event(json.dumps({"n": n, "count": count}), event="tick", event_id=n)
    return text


@dataclass(frozen=True)
class WebSocketExample:
    key: str
    accept: str
    server_frame: str  # hex
    client_frame: str  # hex
    mask_key: str


RFC_SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ=="
RFC_MASK_KEY = bytes.fromhex("37fa213d")  # RFC 6455 §5.7's example


def websocket_example(text: str = "Hello") -> WebSocketExample:
    payload = text.encode("utf-8")
    server = encode_frame(Frame(Opcode.TEXT, payload))
    client = encode_frame(Frame(Opcode.TEXT, payload, mask_key=RFC_MASK_KEY))
    return WebSocketExample(
        key=RFC_SAMPLE_KEY,
        accept=accept_key(RFC_SAMPLE_KEY),
        server_frame=server.hex(" "),
        client_frame=client.hex(" "),
        mask_key=RFC_MASK_KEY.hex(" "),
    )
