"""Server-sent events (WHATWG HTML §9.2): the server's formatter and a client-side parser.

The formatter writes what a view sends on a ``text/event-stream`` response. The parser is the
browser's side, written from the spec's "interpreting an event stream" algorithm, so tests and
the wire view can show exactly what ``EventSource`` would dispatch for a given byte stream —
including the cases people get wrong: ``\\r`` alone ends a line, one leading BOM is dropped, a
single space after the colon is dropped, an event without ``data`` is never dispatched, and the
last event id persists across events until an ``id`` field changes it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from labs.streaming.limits import (
    SSE_LAST_EVENT_ID_MAX,
    SSE_LAST_EVENT_ID_MAX_DIGITS,
    SSE_RETRY_MS,
)

CONTENT_TYPE = "text/event-stream"
# Headers a view should send with a stream: no caching, and no buffering by nginx-style proxies
# (X-Accel-Buffering), which would otherwise hold events back until a buffer fills.
RESPONSE_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Type", CONTENT_TYPE),
    ("Cache-Control", "no-store"),
    ("X-Accel-Buffering", "no"),
)
# A comment line: ignored by EventSource, but it moves bytes so idle proxies keep the connection.
HEARTBEAT = ": ping\n\n"

# The spec's end-of-line is CRLF, LF or CR. str.splitlines() must not be used: it also splits on
# U+2028, U+0085, form feed and others, which are ordinary characters in an event stream.
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")


class EventFormatError(ValueError):
    """A field value that cannot be written without changing the stream's framing."""


def format_event(
    data: str | None = None,
    *,
    event: str | None = None,
    event_id: str | int | None = None,
    retry_ms: int | None = None,
) -> str:
    """One event block, ending with the blank line that dispatches it.

    Multi-line ``data`` becomes one ``data:`` line per line (CRLF, LF and CR all split), and the
    browser joins them with ``\\n``. ``data=""`` sends an event with empty data; ``data=None``
    sends no data field, so the browser dispatches nothing (but still records ``id``/``retry``).
    Encode the result as UTF-8: the stream has no other encoding.
    """
    if data is None and event is None and event_id is None and retry_ms is None:
        raise EventFormatError("an event needs at least one field")
    lines: list[str] = []
    if retry_ms is not None:
        if retry_ms not in SSE_RETRY_MS:
            raise EventFormatError(
                f"retry must be an integer from {SSE_RETRY_MS.minimum} to {SSE_RETRY_MS.maximum} ms"
            )
        lines.append(f"retry: {retry_ms}")
    if event_id is not None:
        event_id = str(event_id)
        _check_single_line("id", event_id)
        if "\0" in event_id:
            # The browser ignores an id containing NUL, so sending one would silently do nothing.
            raise EventFormatError("id must not contain NUL")
        lines.append(f"id: {event_id}")
    if event is not None:
        _check_single_line("event", event)
        lines.append(f"event: {event}")
    if data is not None:
        _check_encodable("data", data)
        # A space after the colon is always written, so data that itself starts with a space
        # keeps it: the parser removes exactly one.
        lines.extend(f"data: {line}" for line in _LINE_BREAK_RE.split(data))
    return "\n".join(lines) + "\n\n"


def format_comment(text: str = "") -> str:
    """Comment lines (``: text``), one per line of ``text``; EventSource ignores them."""
    _check_encodable("comment", text)
    return "".join(f": {line}\n" if line else ":\n" for line in _LINE_BREAK_RE.split(text))


def _check_single_line(name: str, value: str) -> None:
    if "\r" in value or "\n" in value:
        raise EventFormatError(f"{name} must not contain CR or LF: it would end the field early")
    _check_encodable(name, value)


def _check_encodable(name: str, value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise EventFormatError(f"{name} is not encodable as UTF-8 ({error.reason})") from None


def parse_last_event_id(value: str | None, *, maximum: int = SSE_LAST_EVENT_ID_MAX) -> int:
    """The sequence number to resume after, from a ``Last-Event-ID`` request header.

    The lab's ids are event sequence numbers. Anything that is not a plain decimal number in
    ``0..maximum`` (empty, negative, ``1e3``, a 500-digit number, Unicode digits) means "start from
    the beginning": a bad id must never fail the request or make the server skip events.
    """
    if value is None:
        return 0
    text = value.strip(" \t")
    if not text or len(text) > SSE_LAST_EVENT_ID_MAX_DIGITS:
        return 0
    if not all("0" <= char <= "9" for char in text):
        return 0
    number = int(text)
    return number if number <= maximum else 0


def event_ids_to_send(last_event_id: str | None, count: int) -> range:
    """The ids (1..count) a demo stream still owes a client that reconnects with this header.

    An empty range means the client already has everything: answer 204 No Content, the one
    response that makes ``EventSource`` stop reconnecting.
    """
    return range(parse_last_event_id(last_event_id) + 1, count + 1)


# --- The client side: interpreting an event stream ---------------------------------------------


@dataclass(frozen=True)
class ParsedEvent:
    """What ``EventSource`` dispatches: a MessageEvent's ``type``, ``data`` and ``lastEventId``."""

    type: str
    data: str
    last_event_id: str


# A retry value longer than this cannot be a sensible delay; ignoring it also keeps int() away
# from Python's limit on huge digit strings.
_RETRY_MAX_DIGITS = 18


def _is_retry_value(value: str) -> bool:
    """Only ASCII digits (the spec); an empty or absurdly long value is ignored."""
    return 0 < len(value) <= _RETRY_MAX_DIGITS and all("0" <= c <= "9" for c in value)


@dataclass
class EventStreamParser:
    """Incremental parser: feed bytes as they arrive, collect dispatched events.

    Holds the spec's buffers between calls, so a CRLF split across two reads is one line ending
    and a multi-byte UTF-8 character split across reads decodes correctly.
    """

    reconnection_time_ms: int | None = None
    last_event_id: str = ""
    comments: list[str] = field(default_factory=list)
    _decoder: codecs.IncrementalDecoder = field(
        default_factory=lambda: codecs.getincrementaldecoder("utf-8")(errors="replace")
    )
    _started: bool = False
    _pending: str = ""
    _data: str = ""
    _event_type: str = ""
    _id_buffer: str = ""
    _closed: bool = False

    def feed(self, chunk: bytes) -> list[ParsedEvent]:
        if self._closed:
            raise ValueError("the stream is closed")
        return self._consume(self._decoder.decode(chunk), final=False)

    def close(self) -> list[ParsedEvent]:
        """End of stream: a trailing CR ends its line; an event without its blank line is lost."""
        events = self._consume(self._decoder.decode(b"", final=True), final=True)
        self._closed = True
        self._pending = ""
        self._data = ""
        self._event_type = ""
        return events

    def _consume(self, text: str, *, final: bool) -> list[ParsedEvent]:
        if not self._started and text:
            self._started = True
            if text.startswith("\ufeff"):  # the UTF-8 decode algorithm strips one leading BOM
                text = text[1:]
        buffer = self._pending + text
        events: list[ParsedEvent] = []
        position = 0
        for match in _LINE_BREAK_RE.finditer(buffer):
            if match.group() == "\r" and match.end() == len(buffer) and not final:
                # A CR at the end of what has arrived may be the first half of a CRLF.
                break
            event = self._process_line(buffer[position : match.start()])
            if event is not None:
                events.append(event)
            position = match.end()
        self._pending = buffer[position:]
        return events

    def _process_line(self, line: str) -> ParsedEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            self.comments.append(line[1:].removeprefix(" "))
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event_type = value
        elif name == "data":
            self._data += value + "\n"
        elif name == "id":
            if "\0" not in value:
                self._id_buffer = value
        elif name == "retry" and _is_retry_value(value):
            self.reconnection_time_ms = int(value)
        # Any other field name is ignored.
        return None

    def _dispatch(self) -> ParsedEvent | None:
        self.last_event_id = self._id_buffer
        if not self._data:
            self._event_type = ""
            return None
        data = self._data.removesuffix("\n")
        event = ParsedEvent(
            type=self._event_type or "message", data=data, last_event_id=self.last_event_id
        )
        self._data = ""
        self._event_type = ""
        return event


@dataclass(frozen=True)
class EventStream:
    events: tuple[ParsedEvent, ...]
    reconnection_time_ms: int | None
    last_event_id: str
    comments: tuple[str, ...]


def parse_event_stream(stream: bytes | str) -> EventStream:
    """Parse a complete stream. A ``str`` is encoded as UTF-8 first (lone surrogates become
    U+FFFD, as a browser's decoder would turn the bytes a broken encoder produced)."""
    if isinstance(stream, str):
        stream = stream.encode("utf-8", errors="surrogatepass")
    parser = EventStreamParser()
    events = parser.feed(stream) + parser.close()
    return EventStream(
        events=tuple(events),
        reconnection_time_ms=parser.reconnection_time_ms,
        last_event_id=parser.last_event_id,
        comments=tuple(parser.comments),
    )
