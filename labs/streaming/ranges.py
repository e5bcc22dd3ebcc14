"""Range requests (RFC 9110 §14, §13.1.5) as pure functions.

A Range request is resumable, partial transfer — asking for bytes 500-999 of a known
representation — not "streaming". This module decides what to answer without touching the file:
:func:`plan_range_response` returns the status, the headers and the body as a list of literal
framing bytes and :class:`ByteRange` spans, and :func:`iter_body` / :func:`aiter_body` read the
spans lazily from a seekable file object. Django's ``FileResponse`` ignores ``Range`` (ticket
#22479), which is why the lab implements it.

Choices the RFC leaves to the server, and what this module does:

* A malformed header, an unknown range unit, ``last-pos < first-pos`` in any range-spec, or a
  zero-length representation: ignore Range and send the whole representation with 200 (§14.2).
* More than ``max_ranges`` range-specs: ignore Range (200). Many tiny overlapping ranges are a
  known denial-of-service pattern; the whole file costs no more than a plain GET.
* Overlapping or adjacent ranges are coalesced (§14.2 allows it); parts are sent in the order
  their first range-spec appeared (§14.6). If one range remains, the answer is a plain 206,
  never a one-part multipart (§14.6 forbids that).
* Only GET honours Range (§14.2); any other method gets the full-representation plan.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO, Literal

from labs.streaming.limits import FILE_READ_CHUNK_BYTES, RANGE_HEADER_MAX_CHARS, RANGE_MAX_PARTS


@dataclass(frozen=True, order=True)
class ByteRange:
    """An inclusive byte span ``start``..``end`` of a representation, as in Content-Range."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid byte range {self.start}-{self.end}")

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, complete_length: int) -> str:
        return f"bytes {self.start}-{self.end}/{complete_length}"


RangeOutcome = Literal["absent", "ignored", "unsatisfiable", "satisfiable"]


@dataclass(frozen=True)
class RangeParse:
    """What a Range header asks for, for a representation of a given length.

    ``absent``: no header. ``ignored``: serve 200 with the whole representation (see ``reason``).
    ``unsatisfiable``: 416 with ``Content-Range: bytes */length``. ``satisfiable``: 206 with
    ``ranges`` (coalesced, in the order the client asked for them).
    """

    outcome: RangeOutcome
    ranges: tuple[ByteRange, ...] = ()
    reason: str = ""


# Reason codes shared by RangeParse and ResponsePlan, with text for the lab page.
REASONS: dict[str, dict[str, str]] = {
    "no-range": {
        "en": "No Range header: the whole representation is sent with 200.",
        "zh-hans": "请求没有 Range 头：以 200 发送完整内容。",
    },
    "method-not-get": {
        "en": "Range is defined only for GET (RFC 9110 §14.2), so it is ignored.",
        "zh-hans": "Range 只对 GET 有定义（RFC 9110 §14.2），因此被忽略。",
    },
    "header-too-long": {
        "en": f"The Range header is longer than {RANGE_HEADER_MAX_CHARS} characters and is ignored.",
        "zh-hans": f"Range 头超过 {RANGE_HEADER_MAX_CHARS} 个字符，被忽略。",
    },
    "malformed": {
        "en": "The Range header does not follow the ranges-specifier syntax, so it is ignored (200).",
        "zh-hans": "Range 头不符合 ranges-specifier 语法，被忽略（返回 200）。",
    },
    "unsupported-unit": {
        "en": "The range unit is not 'bytes'; a server must ignore units it does not understand.",
        "zh-hans": "范围单位不是 bytes；服务器必须忽略它不认识的单位。",
    },
    "invalid-range": {
        "en": "A range-spec has last-pos < first-pos, which makes the whole header invalid (200).",
        "zh-hans": "某个 range-spec 的 last-pos 小于 first-pos，整个头无效（返回 200）。",
    },
    "too-many-ranges": {
        "en": f"More than {RANGE_MAX_PARTS} ranges: ignored to avoid abuse, the whole file is sent.",
        "zh-hans": f"范围超过 {RANGE_MAX_PARTS} 个：为防滥用而忽略，发送整个文件。",
    },
    "empty-representation": {
        "en": "The representation is empty, so there is nothing to select: Range is ignored.",
        "zh-hans": "内容长度为 0，没有可选的字节：忽略 Range。",
    },
    "if-range-mismatch": {
        "en": "If-Range does not match the current validator: the client's copy is stale, so the whole new representation is sent with 200.",
        "zh-hans": "If-Range 与当前校验器不匹配：客户端手里的副本已过期，因此以 200 发送新的完整内容。",
    },
    "unsatisfiable": {
        "en": "No requested range overlaps the representation: 416 with Content-Range: bytes */length.",
        "zh-hans": "请求的范围都不与内容重叠：返回 416，并带 Content-Range: bytes */长度。",
    },
    "single-range": {
        "en": "One satisfiable range: 206 Partial Content with a Content-Range header.",
        "zh-hans": "一个可满足的范围：206 Partial Content，带 Content-Range 头。",
    },
    "multiple-ranges": {
        "en": "Several ranges: 206 with a multipart/byteranges body, one part per range.",
        "zh-hans": "多个范围：206，正文是 multipart/byteranges，每个范围一个部分。",
    },
}

_TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_INT_RANGE_RE = re.compile(r"([0-9]+)-([0-9]*)", re.ASCII)
_SUFFIX_RANGE_RE = re.compile(r"-([0-9]+)", re.ASCII)
_OWS = " \t"


def parse_range_header(
    value: str | None, length: int, *, max_ranges: int = RANGE_MAX_PARTS
) -> RangeParse:
    """Parse a ``Range`` field value against a representation of ``length`` bytes.

    Never raises on any string: whatever a client sends maps to one of the four outcomes.
    """
    if length < 0:
        raise ValueError("length must be >= 0")
    if value is None:
        return RangeParse("absent", reason="no-range")
    if len(value) > RANGE_HEADER_MAX_CHARS:
        return RangeParse("ignored", reason="header-too-long")
    unit, equals, range_set = value.strip(_OWS).partition("=")
    if not equals or not _TOKEN_RE.fullmatch(unit):
        return RangeParse("ignored", reason="malformed")
    if unit.lower() != "bytes":
        return RangeParse("ignored", reason="unsupported-unit")

    # 1#range-spec: comma-separated, optional whitespace, empty elements allowed (RFC 9110 §5.6.1).
    specs = [element.strip(_OWS) for element in range_set.split(",")]
    specs = [spec for spec in specs if spec]
    if not specs:
        return RangeParse("ignored", reason="malformed")
    if len(specs) > max_ranges:
        return RangeParse("ignored", reason="too-many-ranges")

    # Every spec is checked for syntax before any is served: one bad spec voids the header.
    # int() is safe here: the length cap keeps digit strings far below Python's 4300-digit limit.
    wanted: list[tuple[int, int | None] | int] = []
    for spec in specs:
        if match := _INT_RANGE_RE.fullmatch(spec):
            first = int(match[1])
            last = int(match[2]) if match[2] else None
            if last is not None and last < first:
                return RangeParse("ignored", reason="invalid-range")
            wanted.append((first, last))
        elif match := _SUFFIX_RANGE_RE.fullmatch(spec):
            wanted.append(int(match[1]))
        else:
            return RangeParse("ignored", reason="malformed")

    if length == 0:
        return RangeParse("ignored", reason="empty-representation")

    satisfiable: list[ByteRange] = []
    for item in wanted:
        if isinstance(item, int):  # suffix-range: the last `item` bytes
            if item > 0:
                satisfiable.append(ByteRange(max(0, length - item), length - 1))
        else:
            first, last = item
            if first < length:
                end = length - 1 if last is None else min(last, length - 1)
                satisfiable.append(ByteRange(first, end))
    if not satisfiable:
        return RangeParse("unsatisfiable", reason="unsatisfiable")
    ranges = coalesce_ranges(satisfiable)
    reason = "single-range" if len(ranges) == 1 else "multiple-ranges"
    return RangeParse("satisfiable", ranges=tuple(ranges), reason=reason)


def coalesce_ranges(ranges: list[ByteRange]) -> list[ByteRange]:
    """Merge overlapping or adjacent ranges; keep the order in which each group first appeared."""
    by_start = sorted(enumerate(ranges), key=lambda item: (item[1].start, item[0]))
    merged: list[tuple[int, ByteRange]] = []
    for index, current in by_start:
        if merged and current.start <= merged[-1][1].end + 1:
            first_index, previous = merged[-1]
            merged[-1] = (
                min(first_index, index),
                ByteRange(previous.start, max(previous.end, current.end)),
            )
        else:
            merged.append((index, current))
    merged.sort(key=lambda item: item[0])
    return [byte_range for _, byte_range in merged]


# --- Validators: entity tags and HTTP dates ---------------------------------------------------

_ENTITY_TAG_RE = re.compile(r'(W/)?"([\x21\x23-\x7e\x80-\xff]*)"')
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_LONG_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_RE = "|".join(_MONTHS)
_TIME_RE = r"([0-9]{2}):([0-9]{2}):([0-9]{2})"
_IMF_FIXDATE_RE = re.compile(
    rf"(?:{'|'.join(_DAY_NAMES)}), ([0-9]{{2}}) ({_MONTH_RE}) ([0-9]{{4}}) {_TIME_RE} GMT"
)
_RFC850_RE = re.compile(
    rf"(?:{'|'.join(_LONG_DAY_NAMES)}), ([0-9]{{2}})-({_MONTH_RE})-([0-9]{{2}}) {_TIME_RE} GMT"
)
_ASCTIME_RE = re.compile(
    rf"(?:{'|'.join(_DAY_NAMES)}) ({_MONTH_RE}) ([0-9 ][0-9]) {_TIME_RE} ([0-9]{{4}})"
)


@dataclass(frozen=True)
class EntityTag:
    opaque: str  # without quotes
    weak: bool

    def __str__(self) -> str:
        return f'{"W/" if self.weak else ""}"{self.opaque}"'


def parse_entity_tag(value: str) -> EntityTag | None:
    match = _ENTITY_TAG_RE.fullmatch(value.strip(_OWS))
    if match is None:
        return None
    return EntityTag(opaque=match[2], weak=match[1] is not None)


def strong_match(a: EntityTag, b: EntityTag) -> bool:
    """RFC 9110 §8.8.3.2 strong comparison: neither weak, same opaque tag."""
    return not a.weak and not b.weak and a.opaque == b.opaque


def format_http_date(moment: datetime) -> str:
    """IMF-fixdate, the only format a server generates (RFC 9110 §5.6.7)."""
    if moment.tzinfo is None:
        raise ValueError("HTTP dates need an aware datetime")
    utc = moment.astimezone(UTC)
    return (
        f"{_DAY_NAMES[utc.weekday()]}, {utc.day:02d} {_MONTHS[utc.month - 1]} {utc.year:04d} "
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d} GMT"
    )


def parse_http_date(value: str, *, now: datetime | None = None) -> datetime | None:
    """Parse the three HTTP-date forms a recipient must accept; ``None`` if it is none of them.

    ``now`` only matters for the obsolete two-digit-year rfc850 form: a year that would lie more
    than 50 years in the future is taken from the previous century (RFC 9110 §5.6.7).
    """
    text = value.strip(_OWS)
    try:
        if match := _IMF_FIXDATE_RE.fullmatch(text):
            day, month, year, hour, minute, second = match.groups()
            return _utc(int(year), month, int(day), hour, minute, second)
        if match := _RFC850_RE.fullmatch(text):
            day, month, short_year, hour, minute, second = match.groups()
            reference = (now or datetime.now(UTC)).year
            year = reference - reference % 100 + int(short_year)
            if year > reference + 50:
                year -= 100
            return _utc(year, month, int(day), hour, minute, second)
        if match := _ASCTIME_RE.fullmatch(text):
            month, day, hour, minute, second, year = match.groups()
            return _utc(int(year), month, int(day.strip()), hour, minute, second)
    except ValueError:  # 31 Feb, 25:00:00 and other impossible dates
        return None
    return None


def _utc(year: int, month: str, day: int, hour: str, minute: str, second: str) -> datetime:
    return datetime(
        year, _MONTHS.index(month) + 1, day, int(hour), int(minute), int(second), tzinfo=UTC
    )


def if_range_matches(if_range: str, *, etag: str | None, last_modified: datetime | None) -> bool:
    """Evaluate an If-Range validator against the current representation (RFC 9110 §13.1.5).

    An entity tag must match strongly: a weak tag (``W/"..."``) never matches, on either side.
    A date must equal Last-Modified exactly, to the second; callers pass ``last_modified`` only
    when it is a strong validator (the file changed at least a second before it was read).
    Anything else — garbage, a date when there is no Last-Modified — is a failed condition,
    which makes the server send the whole representation: always safe.
    """
    text = if_range.strip(_OWS)
    if text.startswith(('"', 'W/"')):
        requested = parse_entity_tag(text)
        current = parse_entity_tag(etag) if etag else None
        return requested is not None and current is not None and strong_match(requested, current)
    requested_date = parse_http_date(text)
    if requested_date is None or last_modified is None:
        return False
    return requested_date == last_modified.astimezone(UTC).replace(microsecond=0)


# --- The response plan -------------------------------------------------------------------------

BodyPiece = bytes | ByteRange

_BOUNDARY_RE = re.compile(r"[0-9A-Za-z'()+_,\-./:=?]{1,69}[0-9A-Za-z'()+_,\-./:=?]", re.ASCII)


@dataclass(frozen=True)
class ResponsePlan:
    """Everything a view needs to answer, without the bytes of the file.

    ``body`` is a sequence of literal ``bytes`` (multipart framing) and :class:`ByteRange`
    spans to copy from the file; :func:`iter_body` turns it into chunks.
    """

    status: int
    headers: tuple[tuple[str, str], ...]
    body: tuple[BodyPiece, ...]
    ranges: tuple[ByteRange, ...]
    reason: str  # a key of REASONS

    @property
    def content_length(self) -> int:
        return body_length(self.body)

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


def body_length(pieces: tuple[BodyPiece, ...]) -> int:
    return sum(len(p) if isinstance(p, bytes) else p.length for p in pieces)


def plan_range_response(
    *,
    length: int,
    content_type: str,
    headers: Mapping[str, str],
    etag: str | None = None,
    last_modified: datetime | None = None,
    method: str = "GET",
    max_ranges: int = RANGE_MAX_PARTS,
    boundary: str | None = None,
) -> ResponsePlan:
    """Decide the response to a (possibly) ranged request for a ``length``-byte representation.

    ``headers`` are the request headers (any mapping; names are matched case-insensitively, so
    Django's ``request.headers`` and a plain dict both work). ``etag`` is the field value
    (quoted, ``W/`` if weak); pass ``last_modified`` only if it is a strong validator.
    ``boundary`` defaults to a token derived from the validator and the ranges, so the same
    request always gets the same bytes (cacheable, testable).
    """
    common: list[tuple[str, str]] = [("Accept-Ranges", "bytes")]
    if etag is not None:
        common.append(("ETag", etag))
    if last_modified is not None:
        common.append(("Last-Modified", format_http_date(last_modified)))

    def full(reason: str) -> ResponsePlan:
        return ResponsePlan(
            status=200,
            headers=(
                ("Content-Type", content_type),
                ("Content-Length", str(length)),
                *common,
            ),
            body=(ByteRange(0, length - 1),) if length else (),
            ranges=(),
            reason=reason,
        )

    range_value = _header(headers, "Range")
    if method.upper() != "GET":
        return full("method-not-get" if range_value is not None else "no-range")
    if range_value is None:
        return full("no-range")
    if_range = _header(headers, "If-Range")
    if if_range is not None and not if_range_matches(
        if_range, etag=etag, last_modified=last_modified
    ):
        return full("if-range-mismatch")

    parsed = parse_range_header(range_value, length, max_ranges=max_ranges)
    if parsed.outcome in ("absent", "ignored"):
        return full(parsed.reason)
    if parsed.outcome == "unsatisfiable":
        return ResponsePlan(
            status=416,
            headers=(("Content-Range", f"bytes */{length}"), ("Content-Length", "0"), *common),
            body=(),
            ranges=(),
            reason="unsatisfiable",
        )
    if len(parsed.ranges) == 1:
        (only,) = parsed.ranges
        return ResponsePlan(
            status=206,
            headers=(
                ("Content-Type", content_type),
                ("Content-Range", only.content_range(length)),
                ("Content-Length", str(only.length)),
                *common,
            ),
            body=(only,),
            ranges=parsed.ranges,
            reason="single-range",
        )

    if boundary is None:
        boundary = default_boundary(etag, parsed.ranges)
    elif not _BOUNDARY_RE.fullmatch(boundary):
        raise ValueError("boundary must be 1-70 RFC 2046 bchars, not ending in a space")
    body = multipart_body_pieces(parsed.ranges, length, content_type, boundary)
    return ResponsePlan(
        status=206,
        headers=(
            ("Content-Type", f"multipart/byteranges; boundary={boundary}"),
            ("Content-Length", str(body_length(body))),
            *common,
        ),
        body=body,
        ranges=parsed.ranges,
        reason="multiple-ranges",
    )


def default_boundary(etag: str | None, ranges: tuple[ByteRange, ...]) -> str:
    """A boundary that depends only on the request, so equal requests get equal bytes.

    128 bits of a hash make it vanishingly unlikely to occur inside the file's bytes.
    """
    key = f"{etag}|{','.join(f'{r.start}-{r.end}' for r in ranges)}".encode()
    return "kbsite-" + hashlib.sha256(key).hexdigest()[:32]


def multipart_body_pieces(
    ranges: tuple[ByteRange, ...], length: int, content_type: str, boundary: str
) -> tuple[BodyPiece, ...]:
    """multipart/byteranges framing (RFC 9110 §14.6, RFC 2046 §5.1.1) around each span.

    The CRLF before each ``--boundary`` belongs to the delimiter, not to the part's data.
    """
    pieces: list[BodyPiece] = []
    for index, byte_range in enumerate(ranges):
        lead = b"" if index == 0 else b"\r\n"
        pieces.append(
            lead
            + (
                f"--{boundary}\r\n"
                f"Content-Type: {content_type}\r\n"
                f"Content-Range: {byte_range.content_range(length)}\r\n"
                "\r\n"
            ).encode("latin-1")
        )
        pieces.append(byte_range)
    pieces.append(f"\r\n--{boundary}--\r\n".encode("latin-1"))
    return tuple(pieces)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


# --- Reading the planned bytes lazily ----------------------------------------------------------


class RepresentationChangedError(OSError):
    """The file is shorter than the plan said: it changed after the plan was made."""


def iter_span(
    fileobj: BinaryIO, span: ByteRange, chunk_size: int = FILE_READ_CHUNK_BYTES
) -> Iterator[bytes]:
    """Yield the bytes of ``span`` from a seekable binary file, ``chunk_size`` at a time."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be >= 1")
    fileobj.seek(span.start)
    remaining = span.length
    while remaining:
        data = fileobj.read(min(chunk_size, remaining))
        if not data:
            raise RepresentationChangedError(f"file ended {remaining} bytes before byte {span.end}")
        remaining -= len(data)
        yield data


def iter_body(
    fileobj: BinaryIO, plan: ResponsePlan, chunk_size: int = FILE_READ_CHUNK_BYTES
) -> Iterator[bytes]:
    """The response body of ``plan``: framing pieces as they are, spans read lazily."""
    for piece in plan.body:
        if isinstance(piece, bytes):
            yield piece
        else:
            yield from iter_span(fileobj, piece, chunk_size)


async def aiter_body(
    fileobj: BinaryIO, plan: ResponsePlan, chunk_size: int = FILE_READ_CHUNK_BYTES
) -> AsyncIterator[bytes]:
    """Async version of :func:`iter_body` for ``StreamingHttpResponse`` under ASGI.

    Django collects a *sync* iterator into memory before sending it under ASGI, so an ASGI view
    must hand it an async iterator. File reads run in a worker thread so a slow disk never
    blocks the event loop.
    """
    reader = iter_body(fileobj, plan, chunk_size)
    while (chunk := await asyncio.to_thread(next, reader, None)) is not None:
        yield chunk


# --- Client side: reading a multipart/byteranges body (tests and the wire view) ----------------


@dataclass(frozen=True)
class BytePart:
    headers: tuple[tuple[str, str], ...]
    data: bytes
    content_range: str | None


def parse_multipart_byteranges(body: bytes, boundary: str) -> list[BytePart]:
    """Split a multipart/byteranges body into parts; raises ``ValueError`` if it is malformed."""
    delimiter = b"--" + boundary.encode("latin-1")
    if not body.startswith(delimiter):
        # A preamble is allowed before the first delimiter, which then follows a CRLF.
        start = body.find(b"\r\n" + delimiter)
        if start < 0:
            raise ValueError("no opening boundary delimiter")
        body = body[start + 2 :]
    close = b"\r\n" + delimiter + b"--"
    end = body.find(close)
    if end < 0:
        raise ValueError("no closing boundary delimiter")
    parts: list[BytePart] = []
    for raw in body[len(delimiter) : end].split(b"\r\n" + delimiter):
        if not raw.startswith(b"\r\n"):
            raise ValueError("boundary delimiter not followed by CRLF")
        head, separator, data = raw[2:].partition(b"\r\n\r\n")
        if not separator:
            raise ValueError("part without a blank line after its headers")
        fields = []
        for line in head.split(b"\r\n"):
            name, colon, value = line.decode("latin-1").partition(":")
            if not colon:
                raise ValueError(f"bad part header line {line!r}")
            fields.append((name.strip(), value.strip()))
        content_range = next((v for k, v in fields if k.lower() == "content-range"), None)
        parts.append(BytePart(headers=tuple(fields), data=data, content_range=content_range))
    return parts
