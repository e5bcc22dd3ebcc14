"""JSON API plumbing shared by every lab: errors as {"error": "..."}, rate limits, no cookies.

The lab APIs are stateless (they read no session or cookie), so they are CSRF-exempt and the
same request always gets the same answer.
"""

from __future__ import annotations

import json
from functools import wraps

from django.http import JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from kbsite.ratelimit import ratelimit

MAX_JSON_BODY = 256 * 1024


def json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def read_json(request) -> dict:
    """The request body as a JSON object; ValueError with a readable reason otherwise."""
    if len(request.body) > MAX_JSON_BODY:
        raise ValueError(f"the JSON body is larger than {MAX_JSON_BODY // 1024} KB")
    try:
        data = json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"the body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    return data


def lab_api(scope: str, rate: str = "120/m"):
    """Decorate a lab API view: rate limited per client, CSRF-exempt, engine ValueErrors → 400.

    Answers are in English whatever the Accept-Language: an API answers everyone the same.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            with translation.override("en"):
                try:
                    return view(request, *args, **kwargs)
                except ValueError as exc:
                    return json_error(str(exc))

        limited = ratelimit(f"api:{scope}", rate, json=True, methods=("GET", "POST", "HEAD"))(
            wrapper
        )
        return csrf_exempt(limited)

    return decorator
