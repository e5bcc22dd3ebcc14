import re
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "home",
    "articles:index",
    "labs:index",
    "quizzes:index",
    "quizzes:practice",
    "search:results",
]


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


@pytest.mark.parametrize(
    "accept, target",
    [
        ("en-US,en;q=0.9", "/en/"),
        ("zh-CN,zh;q=0.9", "/zh-hans/"),
        ("fr-FR", "/zh-hans/"),
        ("", "/zh-hans/"),
    ],
)
@pytest.mark.django_db
def test_root_redirects_by_accept_language_and_prefers_chinese_when_in_doubt(
    client, accept, target
):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", PAGES)
@pytest.mark.django_db
def test_every_section_page_renders_in_both_languages_with_the_lang_attribute(
    client, name, language
):
    from django.utils import translation

    with translation.override(language):
        url = reverse(name)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    other = "en" if language == "zh-hans" else "zh-hans"
    assert f'hreflang="{other}"' in html  # the page links to its counterpart


@pytest.mark.django_db
def test_english_pages_are_translated(client):
    zh = client.get("/zh-hans/labs/").content.decode()
    en = client.get("/en/labs/").content.decode()
    assert "实验" in zh
    assert "Labs" in en and "实验" not in en


@pytest.mark.django_db
def test_pages_carry_the_strict_content_security_policy(client):
    policy = client.get("/zh-hans/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    for name in ("script-src", "style-src", "connect-src"):
        assert directives[name] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.django_db
def test_only_the_admin_gets_a_looser_policy(client, admin_client):
    assert "unsafe-inline" in admin_client.get("/admin/")["Content-Security-Policy"]
    assert "unsafe-inline" not in client.get("/en/articles/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_security_headers_are_set(client):
    response = client.get("/en/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_a_public_page_is_byte_identical_for_two_anonymous_readers(client):
    from django.test import Client

    first = client.get("/zh-hans/").content
    second = Client().get("/zh-hans/").content
    assert first == second
    assert b"nonce" not in first


def template_files():
    for path in ROOT.rglob("*.html"):
        if ".venv" in path.parts or "staticfiles" in path.parts or "screenshots" in path.parts:
            continue
        yield path


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle\s*=", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_no_template_carries_inline_script_style_or_event_handlers():
    offenders = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_STYLE, INLINE_HANDLER):
            for match in pattern.finditer(text):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


def test_the_compiled_translations_are_committed():
    assert (ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo").exists()


@pytest.mark.parametrize("path", ["/zh-hans/", "/en/articles/", "/zh-hans/labs/"])
@pytest.mark.django_db
def test_head_requests_answer_like_get_without_a_body(client, path):
    response = client.head(path)
    assert response.status_code == 200
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response.content == b""
