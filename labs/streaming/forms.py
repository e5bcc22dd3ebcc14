"""Input validation for the streaming lab: one form per input set, bounds from limits.py.

The same forms validate the lab page, the JSON API and the SSE consumer's query string, so a
parameter has one rule and one error message wherever it is used.
"""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from labs.forms import LabForm
from labs.streaming.limits import (
    BROADCAST_MESSAGE_MAX_CHARS,
    CHUNKED_CHUNK_BYTES,
    CHUNKED_CHUNKS,
    CHUNKED_INTERVAL_MS,
    CHUNKED_MAX_TOTAL_MS,
    RANGE_HEADER_MAX_CHARS,
    SSE_COUNT,
    SSE_INTERVAL_MS,
    SSE_RETRY_MS,
    SSE_STREAM_TOKEN_RE,
    IntBound,
    chunked_total_ms,
)
from labs.streaming.websocket import ChatMessageError, parse_chat_message

# An If-Range value is an entity tag or an HTTP date: both are far shorter than this.
IF_RANGE_MAX_CHARS = 200


def bounded_int(bound: IntBound, help_text: str, *, label: str | None = None) -> forms.IntegerField:
    return forms.IntegerField(
        min_value=bound.minimum,
        max_value=bound.maximum,
        initial=bound.default,
        help_text=help_text,
        label=label,
    )


def check_header_value(value: str) -> str:
    """A request header value the lab may send: visible ASCII, spaces and tabs, nothing else."""
    if any(not (char == "\t" or " " <= char <= "~") for char in value):
        raise ValidationError(
            _("Use visible ASCII characters only (no line breaks)."), code="header"
        )
    return value.strip(" \t")


class ChunkedForm(LabForm):
    """Parameters of the chunked demo (and its deliberately wrong twin)."""

    chunks = bounded_int(CHUNKED_CHUNKS, _("How many text lines the server sends."))
    interval_ms = bounded_int(CHUNKED_INTERVAL_MS, _("Pause between two lines, in milliseconds."))
    chunk_bytes = bounded_int(CHUNKED_CHUNK_BYTES, _("Bytes in each line, newline included."))

    def clean(self):
        data = super().clean()
        chunks, interval = data.get("chunks"), data.get("interval_ms")
        if (
            chunks is not None
            and interval is not None
            and chunked_total_ms(chunks, interval) > CHUNKED_MAX_TOTAL_MS
        ):
            raise ValidationError(
                _(
                    "(chunks − 1) × interval_ms must be at most %(limit)s ms: "
                    "a demo stream lasts at most %(seconds)s seconds."
                )
                % {"limit": CHUNKED_MAX_TOTAL_MS, "seconds": CHUNKED_MAX_TOTAL_MS // 1000},
                code="too_long",
            )
        return data


class EventsForm(LabForm):
    """Parameters of the counted SSE stream."""

    count = bounded_int(SSE_COUNT, _("Events in the whole stream (ids 1 to count)."))
    interval_ms = bounded_int(SSE_INTERVAL_MS, _("Pause between two events, in milliseconds."))
    retry_ms = bounded_int(
        SSE_RETRY_MS, _("The retry: value sent to the browser: how long it waits to reconnect.")
    )
    stream = forms.RegexField(
        regex=SSE_STREAM_TOKEN_RE,
        required=False,
        max_length=64,
        help_text=_("Optional random token (16-64 hex digits) that lets the page cut this stream."),
    )


def range_field(initial: str | None) -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=RANGE_HEADER_MAX_CHARS,
        initial=initial,
        help_text=_(
            "The Range header to send, for example bytes=0-499, bytes=-500 or bytes=0-99,200-299."
        ),
    )


def if_range_field() -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=IF_RANGE_MAX_CHARS,
        help_text=_("Optional If-Range validator: an entity tag or an HTTP date."),
    )


class RangeForm(LabForm):
    """A Range header (and optional If-Range) to try against sample.bin."""

    range = range_field("bytes=0-499")
    if_range = if_range_field()

    def clean_range(self) -> str:
        return check_header_value(self.cleaned_data["range"])

    def clean_if_range(self) -> str:
        return check_header_value(self.cleaned_data["if_range"])


WIRE_DEMOS = (
    ("chunked", _("Chunked response, framed by the server")),
    ("chunked-wrong", _("The mistake: the application frames its own chunks")),
    ("sse", _("Server-sent events")),
    ("range", _("Range requests against sample.bin")),
)


class WireForm(LabForm):
    """Which demo the wire view records, and that demo's own parameters.

    Only these values reach the recorded request: the path is chosen from a fixed table by
    ``demo`` and the numbers are validated integers, so nothing from the request can steer the
    connection anywhere else.
    """

    demo = forms.ChoiceField(
        choices=WIRE_DEMOS, initial="chunked", help_text=_("The demo to record.")
    )
    chunks = bounded_int(CHUNKED_CHUNKS, _("chunked demos: how many lines."))
    count = forms.IntegerField(
        min_value=SSE_COUNT.minimum,
        max_value=SSE_COUNT.maximum,
        initial=5,
        help_text=_("sse demo: how many events."),
    )
    interval_ms = forms.IntegerField(
        min_value=CHUNKED_INTERVAL_MS.minimum,
        max_value=SSE_INTERVAL_MS.maximum,
        initial=CHUNKED_INTERVAL_MS.default,
        help_text=_("Pause between two lines or events, in milliseconds."),
    )
    # Empty by default: the range demo then records its six ready-made requests.
    range = range_field(None)
    if_range = if_range_field()
    lang = forms.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("Language of the explanations (default: the request's)."),
    )

    clean_range = RangeForm.clean_range
    clean_if_range = RangeForm.clean_if_range

    def clean(self):
        data = super().clean()
        demo, interval = data.get("demo"), data.get("interval_ms")
        if demo is None or interval is None:
            return data
        if demo == "sse":
            count = data.get("count")
            if interval < SSE_INTERVAL_MS.minimum:
                self.add_error(
                    "interval_ms",
                    _("The sse demo needs at least %(minimum)s ms between events.")
                    % {"minimum": SSE_INTERVAL_MS.minimum},
                )
            elif count is not None and chunked_total_ms(count, interval) > CHUNKED_MAX_TOTAL_MS:
                raise ValidationError(
                    _("(count − 1) × interval_ms must be at most %(limit)s ms in the wire view.")
                    % {"limit": CHUNKED_MAX_TOTAL_MS},
                    code="too_long",
                )
        elif demo in ("chunked", "chunked-wrong"):
            chunks = data.get("chunks")
            if interval > CHUNKED_INTERVAL_MS.maximum:
                self.add_error(
                    "interval_ms",
                    _("The chunked demos allow at most %(maximum)s ms between lines.")
                    % {"maximum": CHUNKED_INTERVAL_MS.maximum},
                )
            elif chunks is not None and chunked_total_ms(chunks, interval) > CHUNKED_MAX_TOTAL_MS:
                raise ValidationError(
                    _("(chunks − 1) × interval_ms must be at most %(limit)s ms.")
                    % {"limit": CHUNKED_MAX_TOTAL_MS},
                    code="too_long",
                )
        return data


class BroadcastForm(LabForm):
    """One broadcast message; the rules are the chat room's, with a shorter length."""

    message = forms.CharField(
        max_length=BROADCAST_MESSAGE_MAX_CHARS,
        strip=True,
        help_text=_("A short message for every SSE and WebSocket subscriber."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_message(self) -> str:
        text = self.cleaned_data["message"]
        try:
            # The room's validator (control characters, blank text) applies to broadcasts too.
            return parse_chat_message(json.dumps({"message": text})).text
        except ChatMessageError as error:
            raise ValidationError(error.message(get_language() or "en"), code=error.code) from None
