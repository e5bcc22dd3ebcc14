"""Template context shared by every page: the other language's URL for the language switch."""

from __future__ import annotations

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def site(request) -> dict:
    current = get_language() or settings.LANGUAGE_CODE
    alternates = []
    for code, name in settings.LANGUAGES:
        url = translate_url(request.get_full_path(), code)
        alternates.append({"code": code, "name": name, "url": url, "current": code == current})
    return {"language_alternates": alternates, "site_name": "kbsite"}
