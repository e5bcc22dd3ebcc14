"""Every bound of the HTTP-streaming lab, in one place.

Forms, views, consumers and the engine modules read their limits from here, so a reviewer can
check in one file that no request can run forever or allocate without bound (house rule 8).

The streaming demos are the one place where a request is *meant* to stay open for a while: the
point of the lab is to watch bytes arrive over time. The CPU cost of every demo is tiny (a few
formatted lines per tick); what the bounds protect is worker slots and open connections, so they
cap wall-clock duration and the number of concurrent streams rather than the amount of work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class IntBound:
    """An inclusive integer range with a default, for form fields and clamping."""

    minimum: int
    maximum: int
    default: int

    def __post_init__(self) -> None:
        if not self.minimum <= self.default <= self.maximum:
            raise ValueError(f"default {self.default} outside [{self.minimum}, {self.maximum}]")

    def __contains__(self, value: object) -> bool:
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and self.minimum <= value <= self.maximum
        )

    def clamp(self, value: int) -> int:
        return max(self.minimum, min(self.maximum, value))


# --- Chunked transfer coding demo -------------------------------------------------------------
# 50 chunks are enough to see the framing repeat; 2000 ms is long enough to watch a single chunk
# arrive on its own. Both at their maximum would hold a connection for 100 s, so the product is
# capped too: a stream lasts at most 10 s, which keeps the wire view (below) able to record a
# whole response within its own timeout and keeps a daphne worker slot busy for a bounded time.
CHUNKED_CHUNKS = IntBound(minimum=1, maximum=50, default=10)
CHUNKED_INTERVAL_MS = IntBound(minimum=0, maximum=2000, default=300)
CHUNKED_MAX_TOTAL_MS = 10_000
# Each chunk carries a short text line; 4 KiB per chunk bounds the response at 200 KiB.
CHUNKED_CHUNK_BYTES = IntBound(minimum=1, maximum=4096, default=32)


def chunked_total_ms(chunks: int, interval_ms: int) -> int:
    """Wall-clock time a chunked demo stream takes: it sleeps between chunks, not after the last."""
    return max(0, chunks - 1) * interval_ms


def chunked_params_ok(chunks: int, interval_ms: int) -> bool:
    return (
        chunks in CHUNKED_CHUNKS
        and interval_ms in CHUNKED_INTERVAL_MS
        and chunked_total_ms(chunks, interval_ms) <= CHUNKED_MAX_TOTAL_MS
    )


# --- Server-sent events -------------------------------------------------------------------------
# 100 events at 100 ms is a 10 s burst; 5000 ms is slow enough to close the tab and watch the
# browser reconnect with Last-Event-ID. count × interval can reach 500 s, so every stream also
# ends after SSE_MAX_LIFETIME_S whatever the parameters say; the browser then reconnects and
# resumes from its Last-Event-ID, which is exactly the behaviour the lab wants to show.
SSE_COUNT = IntBound(minimum=1, maximum=100, default=10)
SSE_INTERVAL_MS = IntBound(minimum=100, maximum=5000, default=1000)
SSE_MAX_LIFETIME_S = 120
# A comment line every 15 s keeps idle-timeout proxies (nginx proxy_read_timeout defaults to
# 60 s) from cutting a slow stream; only slow streams ever reach it.
SSE_HEARTBEAT_S = 15
# The `retry:` value the lab sends, and the range the formatter accepts. A minute is the
# longest a learner would wait to see a reconnection.
SSE_RETRY_MS = IntBound(minimum=0, maximum=60_000, default=3000)
# Browsers allow six HTTP/1.1 connections per origin; a client holding more SSE streams than that
# would starve its own page, so the seventh is refused (429) rather than queued.
SSE_MAX_STREAMS_PER_CLIENT = 6
# Event ids are the event's sequence number; anything larger than this is not an id we issued.
SSE_LAST_EVENT_ID_MAX = 1_000_000
SSE_LAST_EVENT_ID_MAX_DIGITS = 7
# The per-client cap is counted through the cache (shared by every daphne process when Redis is
# configured) as one leased key per open stream. A stream renews its lease every third of this
# period; a process that crashes leaves its keys behind only until the lease runs out.
SSE_CLIENT_SLOT_LEASE_S = 60
# Opening a stream costs a few cache operations; this bounds how fast one client may churn them.
SSE_CONNECTS_PER_MINUTE = 120
# The "drop connection" demo names a stream with a random token the page makes up.
SSE_STREAM_TOKEN_RE = re.compile(r"[0-9a-f]{16,64}", re.ASCII)

# --- Broadcast ------------------------------------------------------------------------------
# One message reaches every subscriber, so it is short and each client may send only a few.
BROADCAST_MESSAGE_MAX_CHARS = 280
BROADCAST_PER_MINUTE = 10
# Daphne writes whatever the application sends without back-pressure, so a subscriber that never
# reads would otherwise buffer every broadcast for the stream's lifetime. A broadcast stream ends
# after this many events (EventSource reconnects), which bounds that buffer to about 100 KB.
BROADCAST_MAX_EVENTS_PER_STREAM = 100

# --- WebSocket chat room ------------------------------------------------------------------------
# 64 KiB is far more than a chat line needs and keeps one JSON parse well under a millisecond;
# daphne's own default (--websocket-max-message-size) is 1 MiB, so the consumer checks this.
WS_MAX_MESSAGE_BYTES = 65_536
CHAT_MESSAGE_MAX_CHARS = 1000
# A learner typing fast sends a few messages a second; a script sending more is cut off (4008).
WS_MAX_MESSAGES_PER_10_S = 20
WS_ROOM_HISTORY = 50
# Application close codes must be 1000 or 3000-4999: daphne (autobahn) refuses 1008/1009 from the
# application and sends 1011 instead. The lab mirrors the RFC codes in the private range.
WS_CLOSE_RATE_LIMITED = 4008
WS_CLOSE_TOO_BIG = 4009
WS_CLOSE_LIFETIME = 4000
# The echo socket has no per-message cap (the benchmark sends thousands a second), but it cannot
# be used to make the server buffer without bound for a client that sends and never reads: it
# echoes at most this many bytes per 10 s, and every socket closes after WS_MAX_LIFETIME_S.
WS_ECHO_MAX_BYTES_PER_10_S = 1024 * 1024
WS_MAX_LIFETIME_S = 1800
# What one socket may be sent over its life (echoes, room messages, broadcasts). Daphne has no
# back-pressure, so a peer that stops reading leaves this much at most buffered for it (4008).
WS_MAX_BYTES_SENT_PER_SOCKET = 16 * 1024 * 1024
# Channels group names allow ASCII letters, digits, '-', '_' and '.', under 100 characters;
# rooms are a subset so "streaming.chat.<room>" is always a valid group name.
ROOM_NAME_MAX_CHARS = 32
ROOM_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,32}", re.ASCII)

# --- Range requests ----------------------------------------------------------------------------
# RFC 9110 §14.2 lets a server ignore a Range header with many ranges (a denial-of-service
# pattern: thousands of overlapping one-byte ranges each cost a multipart header). Above this
# many range-specs the lab ignores Range and sends the whole 10 KB file with 200, which costs no
# more than a plain GET. Apache's MaxRanges does the same, with a default of 200.
RANGE_MAX_PARTS = 16
# A header longer than this is ignored without parsing (16 ranges of 20-digit numbers fit).
RANGE_HEADER_MAX_CHARS = 1024
# Read size when streaming a span of a file.
FILE_READ_CHUNK_BYTES = 8192

# --- Wire view (raw HTTP/1.1 client) -------------------------------------------------------------
# The wire view records one request to the lab's own endpoints; it must outlast the longest
# chunked stream (10 s) so the learner sees the terminating zero-size chunk.
WIRE_TIMEOUT_S = 12.0
WIRE_MAX_BYTES = 256 * 1024
WIRE_MAX_HEADER_BYTES = 16 * 1024
# Each recording holds a socket for up to WIRE_TIMEOUT_S; a process runs at most this many at once.
WIRE_MAX_CONCURRENT = 8
