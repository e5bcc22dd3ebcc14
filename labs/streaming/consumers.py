"""Channels consumers of the streaming lab: SSE streams under /sse/, WebSockets under /ws/.

What Channels' own ``AsyncHttpConsumer`` example leaves out, and every stream here does:

* ``handle()`` is awaited inside the consumer's message loop, so while it streams, the
  ``http.disconnect`` message waits unread and a departed client's stream runs on for up to
  daphne's ``application_close_timeout``. Here the stream runs as a task; the loop stays free,
  reads the disconnect at once and cancels the task.
* Every stream ends: a bounded number of events, a lifetime cap, and (for broadcasts) a cap on
  the events one response carries.
* A client address holds at most ``KB_SSE_MAX_PER_CLIENT`` streams at a time (429 past it),
  counted through the cache so it holds across processes (see :mod:`labs.streaming.slots`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from dataclasses import dataclass

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.http import AsyncHttpConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import DEFAULT_CHANNEL_LAYER
from django.conf import settings
from django.http import QueryDict
from django.utils import translation

from kbsite.ratelimit import Rate
from labs.streaming import broadcast
from labs.streaming.forms import EventsForm
from labs.streaming.limits import (
    BROADCAST_MAX_EVENTS_PER_STREAM,
    SSE_CLIENT_SLOT_LEASE_S,
    SSE_CONNECTS_PER_MINUTE,
    SSE_HEARTBEAT_S,
    SSE_MAX_LIFETIME_S,
    SSE_RETRY_MS,
    WS_CLOSE_LIFETIME,
    WS_CLOSE_RATE_LIMITED,
    WS_CLOSE_TOO_BIG,
    WS_ECHO_MAX_BYTES_PER_10_S,
    WS_MAX_BYTES_SENT_PER_SOCKET,
    WS_MAX_LIFETIME_S,
    WS_MAX_MESSAGE_BYTES,
    WS_MAX_MESSAGES_PER_10_S,
)
from labs.streaming.slots import StreamSlot, admit, release_slot, renew_slot
from labs.streaming.sse import (
    HEARTBEAT,
    RESPONSE_HEADERS,
    event_ids_to_send,
    format_comment,
    format_event,
)
from labs.streaming.websocket import (
    ChatMessageError,
    is_valid_room_name,
    parse_chat_message,
    room_group_name,
)

logger = logging.getLogger(__name__)

# An alias CHANNEL_LAYERS does not define: get_channel_layer() returns None for it, so a consumer
# using it gets no channel of its own and no receive task waiting on the layer. The counted event
# stream needs none (unless the page may cut it), which matters at thousands of open streams.
NO_CHANNEL_LAYER = "streaming-no-channel-layer"

SSE_CONNECT_RATE = Rate(SSE_CONNECTS_PER_MINUTE, 60)
_SECURITY_HEADERS = ((b"x-content-type-options", b"nosniff"),)


def scope_header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def scope_client(scope) -> str:
    # Daphne's --proxy-headers puts a trusted proxy's X-Forwarded-For here, as for REMOTE_ADDR.
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def scope_language(scope) -> str:
    """``?lang=`` from the page, else the first supported language in Accept-Language.

    Consumers run outside Django's LocaleMiddleware, so they choose the language themselves.
    """
    supported = [code for code, _name in settings.LANGUAGES]
    lang = QueryDict(scope.get("query_string", b"")).get("lang", "")
    if lang in supported:
        return lang
    for item in (scope_header(scope, b"accept-language") or "").split(","):
        tag = item.split(";")[0].strip().lower()
        for code in supported:
            if tag == code or tag.split("-")[0] == code.split("-")[0]:
                return code
    return settings.LANGUAGE_CODE


class WithoutDatabaseCleanup:
    """Dispatch without Channels' per-message ``close_old_connections``.

    Since Channels 4.2 ``AsyncConsumer.dispatch`` runs ``close_old_connections`` in the
    thread-sensitive worker before every message, one thread hop per WebSocket message or
    channel-layer event, all queued on the same thread. These consumers never touch the
    database, so the hop is pure latency.
    """

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)


# --- Server-sent events ----------------------------------------------------------------------


def _resolve(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


@dataclass(frozen=True)
class Refusal:
    status: int
    error: str | None = None  # JSON {"error": ...} body; None sends an empty body
    retry_after: int | None = None


class EventStreamConsumer(WithoutDatabaseCleanup, AsyncHttpConsumer):
    """Base of the lab's SSE endpoints: task-run stream, caps, heartbeats, clean shutdown.

    Subclasses implement :meth:`check` (validate, may refuse) and :meth:`stream` (write events
    with :meth:`write`, wait with :meth:`pause_until`); the base sends headers, ends the body,
    and always releases what it took.
    """

    lifetime_s: float = SSE_MAX_LIFETIME_S
    heartbeat_s: float = SSE_HEARTBEAT_S
    lease_s: int = SSE_CLIENT_SLOT_LEASE_S

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream_task: asyncio.Task | None = None
        self.slot: StreamSlot | None = None
        self.joined: list[str] = []
        self.started = False  # response headers sent
        self.finished = False  # final body message sent
        self.last_write = 0.0
        self.last_renewal = 0.0
        self.sleeper: asyncio.Future | None = None

    # Channels entry points -------------------------------------------------------------------

    async def http_request(self, message):
        if message.get("more_body") or self.stream_task is not None:
            return  # a GET has no body worth reading; wait for its end
        self.stream_task = asyncio.create_task(self._run())

    async def http_disconnect(self, message):
        task = self.stream_task
        if task is not None:
            if not self.finished:
                # The client left mid-stream. Once the body has ended the task is only releasing
                # its slot: cancelling it then would interrupt the release and leak the slot.
                task.cancel()
            # wait() neither raises the task's CancelledError nor swallows our own cancellation.
            await asyncio.wait([task])
        raise StopConsumer()

    async def stream_drop(self, message):
        """The page's "drop connection" button: end this response now, mid-stream."""
        await self.end()

    # The stream ------------------------------------------------------------------------------

    async def _run(self) -> None:
        try:
            refusal = self.check()
            if refusal is None:
                refusal = await self._admit()
            if refusal is not None:
                await self.refuse(refusal)
                return
            await self.send_headers(
                status=200,
                headers=[(k.encode(), v.encode()) for k, v in RESPONSE_HEADERS]
                + list(_SECURITY_HEADERS),
            )
            self.started = True
            self.last_write = self.last_renewal = asyncio.get_running_loop().time()
            await self.stream()
            await self.end()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("SSE stream %s failed", self.scope.get("path"))
            if not self.started:
                await self.refuse(Refusal(500, "internal error"))
            else:
                await self.end()
        finally:
            await self._release()

    def check(self) -> Refusal | None:
        """Validate the request (no I/O); the rate limit and the slot come after, in one hop."""
        if self.scope.get("method") != "GET":
            return Refusal(405, "use GET")
        return None

    async def stream(self) -> None:
        """The events; the base class sends none (an empty stream that ends at once)."""

    async def _admit(self) -> Refusal | None:
        admission = await admit(scope_client(self.scope), SSE_CONNECT_RATE, lease_s=self.lease_s)
        if admission.rate_limited:
            return Refusal(
                429, "too many stream requests; wait and try again", admission.retry_after
            )
        self.slot = admission.slot
        if self.slot is None:
            return Refusal(
                429,
                "too many open streams from your address; close one and try again",
                self.lease_s,
            )
        return None

    async def _release(self) -> None:
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.joined.clear()
        if self.slot is not None:
            await release_slot(self.slot)
            self.slot = None

    async def join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.joined.append(group)

    async def refuse(self, refusal: Refusal) -> None:
        headers = [(b"cache-control", b"no-store"), *_SECURITY_HEADERS]
        body = b""
        if refusal.error is not None:
            headers.append((b"content-type", b"application/json"))
            body = json.dumps({"error": refusal.error}).encode()
        if refusal.retry_after is not None:
            headers.append((b"retry-after", str(refusal.retry_after).encode()))
        if refusal.status != 204:  # RFC 9110 §8.6: no Content-Length on a 204
            headers.append((b"content-length", str(len(body)).encode()))
        await self.send_response(refusal.status, body, headers=headers)
        self.started = self.finished = True

    async def write(self, text: str) -> None:
        if self.finished:
            return
        await self.send_body(text.encode("utf-8"), more_body=True)
        self.last_write = asyncio.get_running_loop().time()

    async def end(self) -> None:
        if self.started and not self.finished:
            self.finished = True
            await self.send_body(b"", more_body=False)
            # Called from a channel-layer handler (drop, broadcast cap), the stream task may be
            # asleep until its next event or heartbeat: wake it so it releases its slot now.
            if self.sleeper is not None and not self.sleeper.done():
                self.sleeper.set_result(None)

    async def sleep(self, delay: float) -> None:
        """asyncio.sleep that :meth:`end` can cut short."""
        loop = asyncio.get_running_loop()
        self.sleeper = loop.create_future()
        timer = loop.call_later(delay, _resolve, self.sleeper)
        try:
            await self.sleeper
        finally:
            timer.cancel()
            self.sleeper = None

    async def pause_until(self, deadline: float) -> None:
        """Wait until loop time ``deadline``: heartbeat when idle, renew the slot's lease."""
        loop = asyncio.get_running_loop()
        while not self.finished:
            now = loop.time()
            heartbeat_at = self.last_write + self.heartbeat_s
            renew_at = self.last_renewal + self.lease_s / 3
            wake = min(deadline, heartbeat_at, renew_at)
            if wake > now:
                await self.sleep(wake - now)
                if self.finished:
                    return
                now = loop.time()
            if now >= self.last_write + self.heartbeat_s:
                await self.write(HEARTBEAT)
            if now >= renew_at and self.slot is not None:
                self.last_renewal = now
                await renew_slot(self.slot, lease_s=self.lease_s)
            if now >= deadline:
                return


class CountedEventsConsumer(EventStreamConsumer):
    """``/sse/labs/streaming/events/?count=N&interval_ms=T``: ids 1..N, then the response ends.

    A reconnect with ``Last-Event-ID: k`` resumes at k+1; once k >= N the answer is 204, the
    one status that makes EventSource stop reconnecting.
    """

    async def __call__(self, scope, receive, send):
        self.query = QueryDict(scope.get("query_string", b""))
        if not self.query.get("stream"):
            self.channel_layer_alias = NO_CHANNEL_LAYER
        return await super().__call__(scope, receive, send)

    def check(self) -> Refusal | None:
        refusal = super().check()
        if refusal is not None:
            return refusal
        form = EventsForm.from_query(self.query)
        if not form.is_valid():
            with translation.override(scope_language(self.scope)):  # messages render lazily
                return Refusal(400, form.error_message())
        self.params = form.cleaned_data
        self.last_event_id = scope_header(self.scope, b"last-event-id")
        self.ids = event_ids_to_send(self.last_event_id, self.params["count"])
        if not self.ids:
            return Refusal(204)
        return None

    async def stream(self) -> None:
        count, interval_ms = self.params["count"], self.params["interval_ms"]
        token = self.params.get("stream")
        if token and self.channel_layer is not None:
            await self.join(broadcast.drop_group(token))
        hello = {
            "last_event_id": self.last_event_id,
            "resume_from": self.ids.start,
            "count": count,
            "interval_ms": interval_ms,
        }
        await self.write(
            format_comment(f"events {self.ids.start}..{count}, one every {interval_ms} ms")
            + format_event(json.dumps(hello), event="hello", retry_ms=self.params["retry_ms"])
        )
        loop = asyncio.get_running_loop()
        start = loop.time()
        end_by = start + self.lifetime_s
        for offset, event_id in enumerate(self.ids):
            # Deadlines from the start, not sleeps after each send, so lag does not accumulate.
            due = start + offset * interval_ms / 1000
            if due > end_by:
                break  # the lifetime cap: the browser reconnects and resumes after the last id
            await self.pause_until(due)
            if self.finished:
                return
            data = {"n": event_id, "count": count, "sent_ms": round(time.time() * 1000, 1)}
            await self.write(format_event(json.dumps(data), event="tick", event_id=event_id))


class BroadcastEventsConsumer(EventStreamConsumer):
    """``/sse/labs/streaming/broadcast/``: every broadcast, as ``event: broadcast``."""

    async def stream(self) -> None:
        self.sent = 0
        await self.join(broadcast.BROADCAST_GROUP)
        await self.write(
            format_comment("subscribed to broadcasts")
            + format_event(
                json.dumps({"group": broadcast.BROADCAST_GROUP}),
                event="hello",
                retry_ms=SSE_RETRY_MS.default,
            )
        )
        await self.pause_until(asyncio.get_running_loop().time() + self.lifetime_s)

    async def broadcast_message(self, message):
        if not self.started or self.finished:
            return
        self.sent += 1
        await self.write(format_event(json.dumps(message["payload"]), event="broadcast"))
        if self.sent >= BROADCAST_MAX_EVENTS_PER_STREAM:
            await self.end()  # EventSource reconnects; the bytes one response may buffer are capped


# --- WebSocket ---------------------------------------------------------------------------------


@dataclass
class WindowBudget:
    """At most ``limit`` units per ``window_s`` seconds (a fixed window, reset when it ends)."""

    limit: int
    window_s: float = 10.0
    used: int = 0
    window_start: float = 0.0

    def spend(self, amount: int, now: float) -> bool:
        if now - self.window_start >= self.window_s:
            self.window_start, self.used = now, 0
        self.used += amount
        return self.used <= self.limit


def utf8_size(text: str | None, data: bytes | None) -> int:
    if data is not None:
        return len(data)
    assert text is not None
    if len(text) > WS_MAX_MESSAGE_BYTES:  # characters never outnumber UTF-8 bytes
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


class LabSocket(WithoutDatabaseCleanup, AsyncWebsocketConsumer):
    """Shared by the echo and room sockets: size limit (4009), a cap on the bytes one socket is
    sent (4008) and a lifetime cap (4000).

    Daphne started with ``--websocket-max-message-size 65536`` closes oversized messages itself
    with 1009 before they reach us; this check covers servers started without it (runserver's
    default is 1 MiB). Application close codes must be 1000 or 3000-4999, hence 4009.
    """

    lifetime_s: float = WS_MAX_LIFETIME_S

    async def websocket_connect(self, message):
        self.lifetime_task: asyncio.Task | None = None
        self.bytes_sent = 0
        await super().websocket_connect(message)

    async def send(self, text_data=None, bytes_data=None, close=False):
        self.bytes_sent += utf8_size(text_data, bytes_data)
        if self.bytes_sent > WS_MAX_BYTES_SENT_PER_SOCKET:
            await self.close(code=WS_CLOSE_RATE_LIMITED)
            return
        await super().send(text_data=text_data, bytes_data=bytes_data, close=close)

    async def accept(self, subprotocol=None, headers=None):
        await super().accept(subprotocol, headers)
        self.lifetime_task = asyncio.create_task(self._close_at_end_of_life())

    async def _close_at_end_of_life(self) -> None:
        await asyncio.sleep(self.lifetime_s)
        await self.close(code=WS_CLOSE_LIFETIME)

    async def disconnect(self, code):
        if self.lifetime_task is not None:
            self.lifetime_task.cancel()

    async def too_big(self, text_data, bytes_data) -> bool:
        if utf8_size(text_data, bytes_data) > WS_MAX_MESSAGE_BYTES:
            await self.close(code=WS_CLOSE_TOO_BIG)
            return True
        return False

    async def send_json(self, payload: dict) -> None:
        await self.send(text_data=json.dumps(payload, ensure_ascii=False))


class EchoConsumer(LabSocket):
    """``/ws/labs/streaming/echo/``: sends every text (or binary) message straight back."""

    async def __call__(self, scope, receive, send):
        # One source of messages and no channel layer: read it directly. Channels' generic loop
        # (await_many_dispatch) makes a task and an asyncio.wait() per message to multiplex the
        # client with the layer, which this socket does not need; it is a third of the echo's
        # cost in daphne.
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass

    async def connect(self):
        self.budget = WindowBudget(WS_ECHO_MAX_BYTES_PER_10_S)
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        if await self.too_big(text_data, bytes_data):
            return
        if not self.budget.spend(utf8_size(text_data, bytes_data), time.monotonic()):
            await self.close(code=WS_CLOSE_RATE_LIMITED)
            return
        await self.send(text_data=text_data, bytes_data=bytes_data)


class RoomConsumer(LabSocket):
    """``/ws/labs/streaming/room/<name>/``: relays ``{"message": "..."}`` to the whole room.

    Everyone in the room, the sender included, gets ``{"type": "message", "room", "message",
    "sender", "time"}``; broadcasts arrive as ``{"type": "broadcast", ...}``; a bad message gets
    ``{"type": "error", "code", "error"}`` and the socket stays open.
    """

    channel_layer_alias = DEFAULT_CHANNEL_LAYER

    async def websocket_connect(self, message):
        self.room = self.scope["url_route"]["kwargs"]["room"]
        if is_valid_room_name(self.room):
            self.groups = [room_group_name(self.room), broadcast.BROADCAST_GROUP]
        await super().websocket_connect(message)

    async def connect(self):
        if not is_valid_room_name(self.room):
            await self.close()  # before accept: the handshake is refused with 403
            return
        self.language = scope_language(self.scope)
        self.sender = self._sender_name()
        self.budget = WindowBudget(WS_MAX_MESSAGES_PER_10_S)
        await self.accept()
        await self.send_json(
            {"type": "joined", "room": self.room, "you": self.sender, "time": broadcast.now_iso()}
        )

    def _sender_name(self) -> str:
        user = self.scope.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            return user.get_username()[:40]
        return f"guest-{secrets.token_hex(2)}"

    async def receive(self, text_data=None, bytes_data=None):
        if await self.too_big(text_data, bytes_data):
            return
        if not self.budget.spend(1, time.monotonic()):
            await self.close(code=WS_CLOSE_RATE_LIMITED)
            return
        try:
            chat = parse_chat_message(text_data if text_data is not None else bytes_data)
        except ChatMessageError as error:
            await self.send_json(
                {"type": "error", "code": error.code, "error": error.message(self.language)}
            )
            return
        payload = {
            "type": "message",
            "room": self.room,
            "message": chat.text,
            "sender": self.sender,
            "time": broadcast.now_iso(),
        }
        await self.channel_layer.group_send(
            room_group_name(self.room), {"type": broadcast.CHAT_TYPE, "payload": payload}
        )

    async def chat_message(self, message):
        await self.send_json(message["payload"])

    async def broadcast_message(self, message):
        await self.send_json(message["payload"])
