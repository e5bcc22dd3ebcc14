"""The wire view: what actually travels on the connection.

:func:`record_get` is a deliberately small HTTP/1.1 client on ``asyncio.open_connection``: it
sends one GET and records every read with its arrival time, so the lab can show that a chunked
or SSE response really arrives piece by piece. :func:`decode_chunked` decodes the chunked
transfer coding (RFC 9112 §7.1) of the recorded body, reports each chunk as sent (size line,
extensions, data), and detects *double framing*: an application that writes ``len\\r\\ndata\\r\\n``
itself while the server also applies chunked coding, so the payload still looks chunked after one
decoding.

Security: this client connects wherever it is told. The web layer must only ever pass the site's
own address and one of the lab's paths — never a host or port taken from the request.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from labs.streaming.limits import WIRE_MAX_BYTES, WIRE_MAX_HEADER_BYTES, WIRE_TIMEOUT_S

_READ_SIZE = 65_536
_TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HOST_RE = re.compile(r"[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]")
_PATH_RE = re.compile(r"/[\x21-\x7e]*")
_STATUS_LINE_RE = re.compile(r"HTTP/([0-9])\.([0-9]) ([0-9]{3})(?: (.*))?")
_FORBIDDEN_REQUEST_HEADERS = frozenset({"connection", "content-length", "transfer-encoding"})

WireEnd = Literal["complete", "closed", "timeout", "max-bytes", "error"]


@dataclass(frozen=True)
class Arrival:
    """Bytes returned by one read, ``at_ms`` milliseconds after the request was sent."""

    at_ms: float
    data: bytes


@dataclass(frozen=True)
class ResponseHead:
    status_line: str
    http_version: str
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    size: int  # bytes of the status line, header lines and the blank line

    def header(self, name: str) -> str | None:
        """The field value, with repeated fields joined by ", " (RFC 9110 §5.3)."""
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return ", ".join(values) if values else None

    @property
    def is_chunked(self) -> bool:
        codings = self.header("Transfer-Encoding")
        return bool(codings) and codings.split(",")[-1].strip().lower() == "chunked"

    @property
    def content_length(self) -> int | None:
        value = self.header("Content-Length")
        if value is None or not value.strip().isascii() or not value.strip().isdigit():
            return None
        return int(value.strip())


@dataclass(frozen=True)
class WireRecording:
    request: bytes
    arrivals: tuple[Arrival, ...]
    ended: WireEnd
    interim: tuple[ResponseHead, ...] = ()  # 1xx responses before the final one
    head: ResponseHead | None = None
    body_offset: int | None = None  # index in ``raw`` of the first body byte
    connect_ms: float | None = None
    error: str | None = None

    @property
    def raw(self) -> bytes:
        return b"".join(arrival.data for arrival in self.arrivals)

    @property
    def body(self) -> bytes:
        """The message body as received: still chunk-coded if the response is chunked."""
        return b"" if self.body_offset is None else self.raw[self.body_offset :]

    def body_arrival_ms(self, offset: int) -> float | None:
        """When body byte ``offset`` arrived (to show each chunk on a timeline)."""
        if self.body_offset is None:
            return None
        target = self.body_offset + offset
        position = 0
        for arrival in self.arrivals:
            position += len(arrival.data)
            if target < position:
                return arrival.at_ms
        return None

    def decode_chunked(self) -> ChunkedDecoding | None:
        if self.head is None or not self.head.is_chunked:
            return None
        return decode_chunked(self.body)


def build_request(
    host: str, port: int, path: str, headers: Iterable[tuple[str, str]] = ()
) -> bytes:
    """A bodiless GET with ``Connection: close``; rejects anything that could inject lines."""
    if not _HOST_RE.fullmatch(host):
        raise ValueError(f"invalid host {host!r}")
    if not 0 < port < 65536:
        raise ValueError(f"invalid port {port}")
    if not _PATH_RE.fullmatch(path):
        raise ValueError("path must start with '/' and contain only visible ASCII characters")
    fields: list[tuple[str, str]] = []
    host_field = f"{host}:{port}"
    for name, value in headers:
        if not _TOKEN_RE.fullmatch(name):
            raise ValueError(f"invalid header name {name!r}")
        if any(char in value for char in "\r\n\0") or not value.isascii():
            raise ValueError(f"header {name} has a value with CR, LF, NUL or non-ASCII characters")
        if name.lower() in _FORBIDDEN_REQUEST_HEADERS:
            raise ValueError(f"{name} is set by the client itself (bodiless GET, one request)")
        if name.lower() == "host":
            host_field = value
        else:
            fields.append((name, value.strip(" \t")))
    lines = [f"GET {path} HTTP/1.1", f"Host: {host_field}"]
    lines += [f"{name}: {value}" for name, value in fields]
    lines += ["Connection: close", "", ""]
    return "\r\n".join(lines).encode("ascii")


async def record_get(
    host: str,
    port: int,
    path: str,
    *,
    headers: Iterable[tuple[str, str]] = (),
    timeout_s: float = WIRE_TIMEOUT_S,
    max_bytes: int = WIRE_MAX_BYTES,
    clock: Callable[[], float] = time.perf_counter,
) -> WireRecording:
    """Send one GET and record the response bytes as they arrive.

    Stops when the response is complete (Content-Length reached, last chunk seen, or no body
    allowed), when the server closes, after ``timeout_s`` in total (connect included), or when
    ``max_bytes`` have been received — whichever comes first; ``ended`` says which. Never raises
    for network trouble: a refused connection is ``ended="error"`` with the reason.
    """
    request = build_request(host, port, path, headers)
    if max_bytes < 1:
        raise ValueError("max_bytes must be >= 1")
    progress = _Progress(max_bytes=max_bytes)
    started = clock()
    writer: asyncio.StreamWriter | None = None
    connect_ms: float | None = None
    ended: WireEnd
    error: str | None = None
    try:
        async with asyncio.timeout(timeout_s):
            reader, writer = await asyncio.open_connection(host.strip("[]"), port)
            connect_ms = (clock() - started) * 1000
            writer.write(request)
            await writer.drain()
            sent = clock()
            while True:
                data = await reader.read(_READ_SIZE)
                if not data:
                    ended = "closed"
                    break
                outcome = progress.add(Arrival((clock() - sent) * 1000, data))
                if outcome is not None:
                    ended = outcome
                    break
    except TimeoutError:
        ended = "timeout"
    except OSError as exc:
        ended = "error"
        error = f"{type(exc).__name__}: {exc}"
    finally:
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError, TimeoutError):
                await asyncio.wait_for(writer.wait_closed(), 1.0)
    if progress.error is not None:
        ended, error = "error", progress.error
    return WireRecording(
        request=request,
        arrivals=tuple(progress.arrivals),
        ended=ended,
        interim=tuple(progress.interim),
        head=progress.head,
        body_offset=progress.body_offset,
        connect_ms=connect_ms,
        error=error,
    )


@dataclass
class _Progress:
    """Accumulates reads and decides when the response is over."""

    max_bytes: int
    arrivals: list[Arrival] = field(default_factory=list)
    raw: bytearray = field(default_factory=bytearray)
    interim: list[ResponseHead] = field(default_factory=list)
    head: ResponseHead | None = None
    body_offset: int | None = None
    error: str | None = None
    _scan_from: int = 0  # where the next header section starts

    def add(self, arrival: Arrival) -> WireEnd | None:
        room = self.max_bytes - len(self.raw)
        data = arrival.data[:room]
        self.arrivals.append(Arrival(arrival.at_ms, data))
        self.raw += data
        while self.head is None:
            parsed = parse_head(bytes(self.raw[self._scan_from :]))
            if parsed is None:
                if len(self.raw) - self._scan_from > WIRE_MAX_HEADER_BYTES:
                    self.error = f"header section longer than {WIRE_MAX_HEADER_BYTES} bytes"
                    return "error"
                break
            if isinstance(parsed, str):
                self.error = parsed
                return "error"
            if 100 <= parsed.status < 200 and parsed.status != 101:
                self.interim.append(parsed)
                self._scan_from += parsed.size
                continue
            self.head = parsed
            self.body_offset = self._scan_from + parsed.size
        if self._complete():
            return "complete"
        if len(self.raw) >= self.max_bytes:
            return "max-bytes"
        return None

    def _complete(self) -> bool:
        if self.head is None or self.body_offset is None:
            return False
        if self.head.status in (101, 204, 304):  # no body follows these
            return True
        body = self.raw[self.body_offset :]
        if self.head.is_chunked:
            # Every complete chunked body ends with CRLF CRLF, so decode only then.
            return (
                body.endswith(b"\r\n\r\n")
                and decode_chunked(bytes(body), detect_double_framing=False).complete
            )
        length = self.head.content_length
        return length is not None and len(body) >= length


def parse_head(data: bytes) -> ResponseHead | str | None:
    """Parse a status line and header section; ``None`` if incomplete, ``str`` if malformed."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = data[:end].decode("latin-1").split("\r\n")
    match = _STATUS_LINE_RE.fullmatch(lines[0])
    if match is None:
        return f"malformed status line {lines[0][:80]!r}"
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not _TOKEN_RE.fullmatch(name):
            return f"malformed header line {line[:80]!r}"
        headers.append((name, value.strip(" \t")))
    return ResponseHead(
        status_line=lines[0],
        http_version=f"{match[1]}.{match[2]}",
        status=int(match[3]),
        reason=match[4] or "",
        headers=tuple(headers),
        size=end + 4,
    )


# --- Chunked transfer coding -------------------------------------------------------------------

_CHUNK_LINE_MAX = 4096
_CHUNK_SIZE_MAX_DIGITS = 16
_CHUNK_LINE_RE = re.compile(rb"([0-9A-Fa-f]+)((?:[ \t]*;[^\r\n]*)?)")
_EXTENSION_RE = re.compile(
    r"[ \t]*;[ \t]*([!#$%&\'*+\-.^_`|~0-9A-Za-z]+)"
    r'(?:[ \t]*=[ \t]*([!#$%&\'*+\-.^_`|~0-9A-Za-z]+|"(?:[^"\\]|\\.)*"))?'
)


@dataclass(frozen=True)
class Chunk:
    offset: int  # where the size line starts in the decoded input
    size_line: str  # as sent, without its CRLF: "1f4", "A;name=value"
    size: int
    extensions: tuple[tuple[str, str | None], ...]
    data: bytes


@dataclass(frozen=True)
class DoubleFraming:
    """The decoded payload is itself chunked framing: the application framed its own output."""

    inner: ChunkedDecoding


@dataclass(frozen=True)
class ChunkedDecoding:
    chunks: tuple[Chunk, ...]  # data chunks, in order (the zero-size last chunk is separate)
    last_chunk: Chunk | None = None
    trailers: tuple[tuple[str, str], ...] = ()
    complete: bool = False  # last chunk and the end of the trailer section were seen
    consumed: int = 0  # bytes of input that form whole chunks (or the whole body if complete)
    error: str | None = None
    error_offset: int | None = None
    double_framing: DoubleFraming | None = None

    @property
    def payload(self) -> bytes:
        return b"".join(chunk.data for chunk in self.chunks)

    def explain(self, language: str = "en") -> str:
        """A short account of what the framing shows, for the wire view."""
        zh = language.lower().startswith("zh")
        sizes = ", ".join(c.size_line for c in self.chunks[:8]) + (
            ", …" if len(self.chunks) > 8 else ""
        )
        if self.error is not None:
            if zh:
                return f"第 {self.error_offset} 字节处分块格式错误：{self.error}。"
            return f"Chunked framing error at byte {self.error_offset}: {self.error}."
        parts: list[str] = []
        n, total = len(self.chunks), len(self.payload)
        if zh:
            parts.append(f"共 {n} 个数据块（大小行：{sizes or '无'}），载荷 {total} 字节；")
            parts.append(
                "以大小为 0 的最后一块结束。"
                if self.complete
                else "尚未收到大小为 0 的最后一块：响应被截断或仍在传输。"
            )
        else:
            parts.append(
                f"{n} data chunks (size lines: {sizes or 'none'}), {total} payload bytes; "
            )
            parts.append(
                "ended by the zero-size last chunk."
                if self.complete
                else "the zero-size last chunk has not arrived: the body is cut short or still coming."
            )
        if self.double_framing is not None:
            inner = self.double_framing.inner
            first = inner.chunks[0].size_line
            if zh:
                parts.append(
                    f"\n\n去掉一层分块编码后，载荷本身仍是分块格式（{len(inner.chunks)} 个内层块，"
                    f"第一个大小行是 `{first}`）：应用自己写了 `长度\\r\\n数据\\r\\n`，服务器又编码了一次，"
                    "只解码一次的客户端会把内层的大小行当作正文显示。"
                    "修正：只产出原始数据，让服务器负责分块，也不要自己设置 `Transfer-Encoding`。"
                )
            else:
                parts.append(
                    f"\n\nAfter removing one layer of chunked coding the payload is still chunked "
                    f"framing ({len(inner.chunks)} inner chunks, the first size line is `{first}`): "
                    "the application wrote `len\\r\\ndata\\r\\n` itself and the server framed it again, "
                    "so a client that decodes once shows the inner size lines as content. "
                    "Fix: yield plain data, let the server do the framing, and never set "
                    "`Transfer-Encoding` yourself."
                )
        return "".join(parts)


def decode_chunked(data: bytes, *, detect_double_framing: bool = True) -> ChunkedDecoding:
    """Decode a chunked message body strictly (CRLF line endings, hex sizes, RFC 9112 §7.1).

    Incomplete input is not an error: ``complete`` stays False and ``consumed`` says how far the
    whole chunks go. A framing error stops decoding and is reported with its offset.
    """
    chunks: list[Chunk] = []
    position = 0

    def result(
        *,
        last_chunk: Chunk | None = None,
        trailers: tuple[tuple[str, str], ...] = (),
        complete: bool = False,
        error: str | None = None,
        error_offset: int | None = None,
    ) -> ChunkedDecoding:
        inner = None
        if detect_double_framing and error is None:
            inner = _double_framing(b"".join(chunk.data for chunk in chunks))
        return ChunkedDecoding(
            chunks=tuple(chunks),
            last_chunk=last_chunk,
            trailers=trailers,
            complete=complete,
            consumed=position,
            error=error,
            error_offset=error_offset,
            double_framing=None if inner is None else DoubleFraming(inner),
        )

    while True:
        line_end = data.find(b"\r\n", position, position + _CHUNK_LINE_MAX + 2)
        if line_end < 0:
            if len(data) - position > _CHUNK_LINE_MAX:
                return result(error="chunk-size line too long", error_offset=position)
            bad = _bare_line_feed(data, position)
            if bad is not None:
                return result(error=bad, error_offset=position)
            return result()
        raw_line = data[position:line_end]
        match = _CHUNK_LINE_RE.fullmatch(raw_line)
        if match is None:
            return result(
                error=f"invalid chunk-size line {raw_line[:40]!r} (expected hex digits, then CRLF)",
                error_offset=position,
            )
        digits = match[1].decode("ascii").lstrip("0") or "0"
        if len(digits) > _CHUNK_SIZE_MAX_DIGITS:
            return result(error="chunk size too large", error_offset=position)
        extensions = _parse_extensions(match[2].decode("latin-1"))
        if extensions is None:
            return result(error="invalid chunk extension", error_offset=position)
        size = int(digits, 16)
        size_line = raw_line.decode("latin-1")
        data_start = line_end + 2
        if size == 0:
            last = Chunk(position, size_line, 0, extensions, b"")
            trailers, end, error = _parse_trailers(data, data_start)
            if error is not None:
                return result(last_chunk=last, error=error, error_offset=end)
            if end is None:
                return result(last_chunk=last)
            position = end
            return result(last_chunk=last, trailers=trailers, complete=True)
        data_end = data_start + size
        if len(data) < data_end + 2:
            tail = data[data_end : data_end + 2]
            if tail and not b"\r\n".startswith(tail):
                return result(
                    error=f"chunk data not followed by CRLF (the size line says {size} bytes)",
                    error_offset=data_end,
                )
            return result()
        if data[data_end : data_end + 2] != b"\r\n":
            return result(
                error=f"chunk data not followed by CRLF (the size line says {size} bytes)",
                error_offset=data_end,
            )
        chunks.append(Chunk(position, size_line, size, extensions, data[data_start:data_end]))
        position = data_end + 2


def _bare_line_feed(data: bytes, position: int) -> str | None:
    """An incomplete size line that already holds a bare LF can never become valid."""
    newline = data.find(b"\n", position)
    if newline >= 0:
        return "chunk-size line ends with a bare LF instead of CRLF"
    return None


def _parse_extensions(text: str) -> tuple[tuple[str, str | None], ...] | None:
    extensions: list[tuple[str, str | None]] = []
    position = 0
    while position < len(text):
        match = _EXTENSION_RE.match(text, position)
        if match is None:
            return None
        value = match[2]
        if value is not None and value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        extensions.append((match[1], value))
        position = match.end()
    return tuple(extensions)


def _parse_trailers(
    data: bytes, start: int
) -> tuple[tuple[tuple[str, str], ...], int | None, str | None]:
    """Trailer fields after the last chunk: (fields, end offset or None if incomplete, error)."""
    fields: list[tuple[str, str]] = []
    position = start
    while True:
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            return tuple(fields), None, None
        if line_end == position:
            return tuple(fields), line_end + 2, None
        line = data[position:line_end].decode("latin-1")
        name, colon, value = line.partition(":")
        if not colon or not _TOKEN_RE.fullmatch(name):
            return tuple(fields), position, f"malformed trailer line {line[:40]!r}"
        fields.append((name, value.strip(" \t")))
        position = line_end + 2


def _double_framing(payload: bytes) -> ChunkedDecoding | None:
    """The payload decoded as chunked, if the whole of it is chunked framing with real data."""
    if not payload:
        return None
    inner = decode_chunked(payload, detect_double_framing=False)
    if inner.error is None and inner.chunks and inner.consumed == len(payload):
        return inner
    return None


def encode_chunked(pieces: Iterable[bytes], *, trailers: Iterable[tuple[str, str]] = ()) -> bytes:
    """What a server puts on the wire for these pieces (empty pieces are skipped: a zero-size
    chunk would end the body early)."""
    out = bytearray()
    for piece in pieces:
        if piece:
            out += f"{len(piece):x}\r\n".encode("ascii") + piece + b"\r\n"
    out += b"0\r\n"
    for name, value in trailers:
        out += f"{name}: {value}\r\n".encode("latin-1")
    out += b"\r\n"
    return bytes(out)


def self_framed(piece: bytes) -> bytes:
    """The mistake the lab demonstrates: an application writing chunk framing itself.

    Yielded from a streaming response, this gets framed *again* by the server (daphne, uvicorn,
    gunicorn), and the browser shows the size lines as part of the content.
    """
    return f"{len(piece):x}\r\n".encode("ascii") + piece + b"\r\n"


def chunk_size_line(size: int) -> str:
    """The chunk-size line for a chunk of ``size`` bytes, lower-case hex without CRLF."""
    if size < 0:
        raise ValueError("size must be >= 0")
    return f"{size:x}"
