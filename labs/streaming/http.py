"""HTTP plumbing the streaming lab's async API views need beyond labs.api.

``labs.api.lab_api`` wraps sync views; the wire view and the channel-layer publishers are
``async def`` (the wire view awaits a socket for up to 12 s: as a sync view it would hold
Django's single thread-sensitive worker, which every sync view in the process shares).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import wraps

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

from kbsite.ratelimit import Rate, client_address, hit, too_many
from labs.api import json_error
from labs.streaming.ranges import ResponsePlan, aiter_body


def async_lab_api(scope: str, rate: str):
    """``labs.api.lab_api`` for ``async def`` views: rate limited, CSRF-exempt, ValueError → 400."""
    parsed = Rate.parse(rate)

    def decorator(view):
        if not iscoroutinefunction(view):
            raise TypeError("async_lab_api decorates async views; use labs.api.lab_api")

        @wraps(view)
        async def wrapper(request, *args, **kwargs):
            allowed, retry_after = await sync_to_async(hit)(
                f"api:{scope}", client_address(request), parsed
            )
            if not allowed:
                return too_many(request, retry_after, json=True)
            try:
                return await view(request, *args, **kwargs)
            except ValueError as exc:
                return json_error(str(exc))

        markcoroutinefunction(wrapper)
        return csrf_exempt(wrapper)

    return decorator


def planned_response(request: HttpRequest, plan: ResponsePlan, open_file) -> HttpResponse:
    """The response a range plan describes; the body streams from ``open_file()`` lazily.

    HEAD gets the GET headers without a body. An async iterator keeps a large file out of
    memory under ASGI (a sync one would be read whole before the first byte is sent).
    """
    if request.method == "HEAD" or not plan.body:
        response = HttpResponse(status=plan.status)
    else:
        response = StreamingHttpResponse(_read_then_close(open_file(), plan), status=plan.status)
    if plan.header("Content-Type") is None:
        del response["Content-Type"]  # an empty 416 has no representation to describe
    for name, value in plan.headers:
        response[name] = value
    return response


async def _read_then_close(fileobj, plan: ResponsePlan) -> AsyncIterator[bytes]:
    # Also runs when the client disconnects: Django cancels the iterator and the file closes.
    try:
        async for chunk in aiter_body(fileobj, plan):
            yield chunk
    finally:
        fileobj.close()
