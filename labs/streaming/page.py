"""The lab page's template context: forms, engine-computed previews, endpoint URLs."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from labs.streaming import preview
from labs.streaming.endpoints import BROADCAST_SSE_PATH, ECHO_WS_PATH, EVENTS_PATH, ROOM_WS_PREFIX
from labs.streaming.forms import BroadcastForm, ChunkedForm, EventsForm, RangeForm
from labs.streaming.limits import (
    BROADCAST_MESSAGE_MAX_CHARS,
    CHAT_MESSAGE_MAX_CHARS,
    SSE_MAX_LIFETIME_S,
    WS_MAX_MESSAGE_BYTES,
    WS_MAX_MESSAGES_PER_10_S,
)
from labs.streaming.sample import SAMPLE_ETAG, SAMPLE_FILENAME, SAMPLE_SHA256, SAMPLE_SIZE
from labs.streaming.slots import max_streams_per_client

TOPIC_SLUG = "http-streaming"

# The summary table: one row per property, one column per technique (the article's table, short).
COMPARISON = (
    (
        _("Direction"),
        _("server → client"),
        _("server → client"),
        _("both ways, any time"),
        _("client asks for a slice"),
    ),
    (
        _("Protocol"),
        _("HTTP/1.1 Transfer-Encoding: chunked"),
        _("an ordinary HTTP response, text/event-stream"),
        _("its own framing after an HTTP/1.1 Upgrade"),
        _("plain HTTP: 206, 416, multipart/byteranges"),
    ),
    (
        _("After a dropped connection"),
        _("nothing built in"),
        _("the browser reconnects and sends Last-Event-ID"),
        _("nothing built in: the application reconnects"),
        _("it is the resumption mechanism"),
    ),
    (
        _("Binary data"),
        _("yes, any bytes"),
        _("no: UTF-8 text only"),
        _("yes: binary frames"),
        _("yes, any bytes"),
    ),
    (
        _("Proxies and HTTP/2"),
        _(
            "HTTP/2 and HTTP/3 have no chunked coding: DATA frames instead; buffering proxies delay it"
        ),
        _("works over HTTP/2 (no six-connection limit); needs proxy buffering off"),
        _("needs a proxy that passes Upgrade; over HTTP/2 only with RFC 8441"),
        _("caches and CDNs understand it"),
    ),
)


def context(request, *, range_form: RangeForm, broadcast_form: BroadcastForm | None = None) -> dict:
    language = get_language() or "en"
    file_url = reverse("streaming_api:file", args=[SAMPLE_FILENAME])
    range_preview = None
    if range_form.is_valid():
        range_preview = preview.range_preview(
            range_form.cleaned_data["range"],
            range_form.cleaned_data["if_range"],
            language,
            file_url,
        )
    return {
        "nav": "labs",
        "language": language,
        "article_url": reverse("articles:detail", args=[TOPIC_SLUG]),
        "quiz_url": reverse("quizzes:detail", args=[TOPIC_SLUG]),
        "chunked_form": ChunkedForm.from_query({}),
        "events_form": EventsForm.from_query({}),
        "range_form": range_form,
        "range_preview": range_preview,
        "broadcast_form": broadcast_form or BroadcastForm(),
        "urls": {
            "chunked": reverse("streaming_api:chunked"),
            "chunked_wrong": reverse("streaming_api:chunked-wrong"),
            "wire": reverse("streaming_api:wire"),
            "file": file_url,
            "events": EVENTS_PATH,
            "broadcast_sse": BROADCAST_SSE_PATH,
            "broadcast_post": reverse("streaming_api:broadcast"),
            "drop": reverse("streaming_api:drop"),
            "echo": ECHO_WS_PATH,
            "room": ROOM_WS_PREFIX,
            "page": reverse("labs:streaming:index"),
        },
        "sample": {
            "name": SAMPLE_FILENAME,
            "size": SAMPLE_SIZE,
            "half": SAMPLE_SIZE // 2,
            "sha256": SAMPLE_SHA256,
            "etag": SAMPLE_ETAG,
        },
        "chunked_example": preview.chunked_example(language),
        "sse_example": preview.sse_example(),
        "ws_example": preview.websocket_example(),
        "limits": {
            "ws_max_bytes": WS_MAX_MESSAGE_BYTES,
            "ws_rate": WS_MAX_MESSAGES_PER_10_S,
            "chat_chars": CHAT_MESSAGE_MAX_CHARS,
            "broadcast_chars": BROADCAST_MESSAGE_MAX_CHARS,
            "sse_per_client": max_streams_per_client(),
            "sse_lifetime": SSE_MAX_LIFETIME_S,
        },
        "comparison": COMPARISON,
    }
