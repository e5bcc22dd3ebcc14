"""Views of the HTTP-streaming lab: the page and the JSON/streaming API (see docs/api/streaming.md).

SSE and WebSocket endpoints are Channels consumers (consumers.py); everything else is here.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from kbsite.ratelimit import Rate, client_address, hit, too_many
from labs.api import json_error, lab_api, read_json
from labs.streaming import broadcast, page
from labs.streaming.forms import BroadcastForm, ChunkedForm, RangeForm, WireForm
from labs.streaming.http import async_lab_api, planned_response
from labs.streaming.limits import BROADCAST_PER_MINUTE, SSE_STREAM_TOKEN_RE, WIRE_MAX_CONCURRENT
from labs.streaming.ranges import plan_range_response
from labs.streaming.sample import (
    SAMPLE_CONTENT_TYPE,
    SAMPLE_ETAG,
    SAMPLE_FILENAME,
    SAMPLE_LAST_MODIFIED,
    SAMPLE_SIZE,
    sample_file,
)
from labs.streaming.streams import demo_lines
from labs.streaming.wireview import WireUnavailableError, demo_requests, own_address, record_demo

STREAM_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
BROADCAST_RATE = Rate(BROADCAST_PER_MINUTE, 60)
_wire_in_flight = 0  # recordings running in this process (one event loop: no lock needed)


@require_safe
@vary_on_headers("HX-Request")
@cache_control(private=True)  # the page embeds a CSRF token (the broadcast form)
def index(request):
    range_form = RangeForm.from_query(request.GET)
    status = 200 if range_form.is_valid() else 400
    template = (
        "labs/streaming/partials/results.html" if request.htmx else "labs/streaming/index.html"
    )
    return render(request, template, page.context(request, range_form=range_form), status=status)


@require_safe
@lab_api("streaming-chunked", "60/m")
def chunked(request):
    """N text lines from an async iterator; daphne frames them (no Transfer-Encoding set here)."""
    return _chunked_response(request, frame_it_yourself=False)


@require_safe
@lab_api("streaming-chunked", "60/m")
def chunked_wrong(request):
    """THE MISTAKE, on purpose: the app writes len\\r\\ndata\\r\\n and sets Transfer-Encoding."""
    response = _chunked_response(request, frame_it_yourself=True)
    if response.status_code == 200:
        response["Transfer-Encoding"] = "chunked"
        response["X-Lab-Warning"] = "deliberately wrong: the application frames its own chunks"
    return response


def _chunked_response(request, *, frame_it_yourself: bool):
    form = ChunkedForm.from_query(request.GET)
    if not form.is_valid():
        return json_error(form.error_message())
    body = demo_lines(
        form.cleaned_data["chunks"],
        form.cleaned_data["interval_ms"],
        form.cleaned_data["chunk_bytes"],
        frame_it_yourself=frame_it_yourself,
    )
    response = StreamingHttpResponse(body, content_type="text/plain; charset=utf-8")
    for name, value in STREAM_HEADERS.items():
        response[name] = value
    return response


@require_http_methods(["GET", "HEAD"])
@lab_api("streaming-file", "240/m")
def sample(request, name):
    """sample.bin with RFC 9110 §14 Range handling (206, 416, multipart, If-Range, HEAD)."""
    if name != SAMPLE_FILENAME:
        return json_error(f"no such file: only {SAMPLE_FILENAME} exists", status=404)
    plan = plan_range_response(
        length=SAMPLE_SIZE,
        content_type=SAMPLE_CONTENT_TYPE,
        headers=request.headers,
        etag=SAMPLE_ETAG,
        last_modified=SAMPLE_LAST_MODIFIED,
        method=request.method,
    )
    response = planned_response(request, plan, sample_file)
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
@async_lab_api("streaming-wire", "30/m")
async def wire(request):
    """Record one of the lab's own endpoints over a loopback socket; return the bytes as JSON."""
    global _wire_in_flight
    form = WireForm.from_query(request.GET)
    if not form.is_valid():
        return json_error(form.error_message())
    try:
        server = getattr(request, "scope", {}).get("server")
        address = own_address(server, request.META.get("SERVER_PORT"))
    except WireUnavailableError as error:
        return json_error(str(error), status=503)
    if _wire_in_flight >= WIRE_MAX_CONCURRENT:
        response = json_error("the wire view is busy; try again in a few seconds", status=503)
        response["Retry-After"] = "5"
        return response
    paths = {
        "chunked": reverse("streaming_api:chunked"),
        "chunked-wrong": reverse("streaming_api:chunked-wrong"),
        "file": reverse("streaming_api:file", args=[SAMPLE_FILENAME]),
    }
    demo = form.cleaned_data["demo"]
    _wire_in_flight += 1
    try:
        exchanges = await record_demo(
            demo_requests(demo, form.cleaned_data, paths),
            address=address,
            host_header=request.get_host(),
            forwarded_https=request.is_secure(),
            language=form.cleaned_data["lang"] or get_language() or "en",
        )
    finally:
        _wire_in_flight -= 1
    return JsonResponse(
        {"demo": demo, "exchanges": exchanges}, json_dumps_params={"ensure_ascii": False}
    )


@require_POST
@cache_control(private=True)
async def publish(request):
    """Broadcast to every subscriber. CSRF-protected: the page's form, or JSON with X-CSRFToken."""
    wants_json = request.content_type == "application/json"
    if not wants_json:
        # The form sits on a /<lang>/ page; /api/ has no prefix. Answer in the page's language.
        translation.activate(
            translation.get_language_from_path(_next_page(request)) or get_language()
        )
    allowed, retry_after = await sync_to_async(hit)(
        "streaming:broadcast", client_address(request), BROADCAST_RATE
    )
    if not allowed:
        return await sync_to_async(too_many)(request, retry_after, json=wants_json)
    if wants_json:
        try:
            data = read_json(request)
        except ValueError as error:
            return json_error(str(error))
    else:
        data = request.POST
    form = BroadcastForm.from_query(data)
    if not form.is_valid():
        if wants_json:
            return json_error(form.error_message())
        return await sync_to_async(_page_with_broadcast_error)(request, form)
    user = await request.auser()
    payload = await broadcast.publish(form.cleaned_data["message"], sender_name(request, user))
    if wants_json:
        return JsonResponse({"sent": payload}, status=202)
    await sync_to_async(messages.success)(request, _("Broadcast sent to every subscriber."))
    return HttpResponseRedirect(_next_page(request) + "#broadcast", status=303)


def _page_with_broadcast_error(request, form):
    context = page.context(request, range_form=RangeForm.from_query({}), broadcast_form=form)
    return render(request, "labs/streaming/index.html", context, status=400)


def _next_page(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target.partition("#")[0]
    return reverse("labs:streaming:index")


def sender_name(request, user) -> str:
    """The username, or a stable pseudonym per address (not the address itself)."""
    if user.is_authenticated:
        return user.get_username()[:40]
    digest = salted_hmac("streaming.sender", client_address(request)).hexdigest()
    return f"guest-{digest[:4]}"


@require_POST
@async_lab_api("streaming-drop", "30/m")
async def drop(request):
    """End the SSE stream that carries this token, mid-stream ("drop connection" on the page)."""
    token = read_json(request).get("stream")
    if not isinstance(token, str) or not SSE_STREAM_TOKEN_RE.fullmatch(token):
        return json_error("stream: a token of 16-64 lower-case hex digits is required")
    await broadcast.drop_stream(token)
    return JsonResponse({"dropped": token}, status=202)
