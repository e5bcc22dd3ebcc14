"""HTTP caching for public pages: validators (ETag/Last-Modified → 304) and Cache-Control.

Anonymous readers get `public` responses a shared reverse proxy may keep (the page bytes are
the same for all of them: no nonces, no per-request tokens). Anyone with a session gets a
`private` response, and staff previews are never stored.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import condition

# Changes with every deployment/restart, so new templates and static files invalidate ETags.
BUILD_ID = str(time.time_ns())
PUBLIC_MAX_AGE = 60  # browsers re-validate after a minute (cheap: a 304)
SHARED_MAX_AGE = 600  # a reverse proxy may serve the page for ten minutes


def etag_for(*parts: object) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in (BUILD_ID, *parts)).encode()).hexdigest()
    return f'"{digest[:32]}"'


def private_no_store(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


PAGE_CACHE_SECONDS = 600


def cacheable_page(last_modified: Callable[..., datetime | None]):
    """Decorate a GET view whose page depends on one timestamp (plus path, language, viewer).

    ``last_modified(request, **kwargs)`` returns the newest change the page shows, or None
    when the page must not be validated or cached (missing, or a staff preview): the view
    then answers as it would. Anonymous pages are also kept whole in the cache under their
    ETag, so a repeat view costs one cheap query and a cache read, not a template render.
    """

    def stamp(request, *args, **kwargs):
        if not hasattr(request, "_page_stamp"):
            request._page_stamp = last_modified(request, *args, **kwargs)
        return request._page_stamp

    def etag(request, *args, **kwargs):
        moment = stamp(request, *args, **kwargs)
        if moment is None:
            return None
        viewer = request.user.pk if request.user.is_authenticated else "anon"
        return etag_for(request.get_full_path(), get_language(), moment.isoformat(), viewer)

    def decorator(view):
        @wraps(view)
        def cached_view(request, *args, **kwargs):
            tag = etag(request, *args, **kwargs)
            if tag is None or request.user.is_authenticated:
                return view(request, *args, **kwargs)
            key = f"page:{tag}"
            hit = cache.get(key)
            if hit is not None:
                content, content_type = hit
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            cacheable = response.status_code == 200 and not response.cookies
            if cacheable and not response.has_header("Cache-Control"):
                cache.set(key, (response.content, response["Content-Type"]), PAGE_CACHE_SECONDS)
            return response

        conditional = condition(etag_func=etag, last_modified_func=stamp)(cached_view)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = conditional(request, *args, **kwargs)
            if response.has_header("Cache-Control"):
                return response  # the view decided (e.g. a staff preview)
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, no_cache=True)
            elif response.status_code in (200, 304):
                patch_cache_control(
                    response, public=True, max_age=PUBLIC_MAX_AGE, s_maxage=SHARED_MAX_AGE
                )
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorator
