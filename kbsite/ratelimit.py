"""Rate limits through the configured cache, so they hold across processes when Redis is used.

A fixed window per (scope, client): simple, one cache round trip (`add` + `incr`), and good
enough to stop floods; it is not meant to be an exact quota.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import wraps

from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Rate:
    limit: int
    window_seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """`"30/m"`, `"5/s"`, `"200/h"`."""
        count, unit = text.split("/")
        return cls(int(count), {"s": 1, "m": 60, "h": 3600}[unit])


def client_address(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it;
    # behind such a proxy, daphne's --proxy-headers puts the real address in REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR", "unknown")


def hit(scope: str, key: str, rate: Rate) -> tuple[bool, int]:
    """Count one request; return (allowed, seconds until the window resets)."""
    window = int(time.time() // rate.window_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    cache.add(cache_key, 0, timeout=rate.window_seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=rate.window_seconds + 1)
        count = 1
    retry_after = rate.window_seconds - int(time.time() % rate.window_seconds)
    return count <= rate.limit, retry_after


def too_many(request, retry_after: int, *, json: bool):
    message = _("Too many requests. Please wait %(seconds)s seconds and try again.") % {
        "seconds": retry_after
    }
    if json:
        response = JsonResponse({"error": message}, status=429)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def ratelimit(scope: str, rate: str, *, json: bool = False, methods=("POST",), key=client_address):
    """Decorate a view: over `rate` requests per client in `scope` answer 429 with a message."""
    parsed = Rate.parse(rate)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                allowed, retry_after = hit(scope, key(request), parsed)
                if not allowed:
                    return too_many(request, retry_after, json=json)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
