"""The lab page: both languages, htmx partial, 400s with messages, links from the article."""

import re
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labs.streaming.sample import SAMPLE_ETAG, SAMPLE_SHA256

ROOT = Path(__file__).resolve().parents[3]
PAGE = "/{lang}/labs/streaming/"
ARTICLES = sorted((ROOT / "content" / "http-streaming").glob("*.md"))


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_page_renders_in_both_languages_with_four_panels_and_the_table(client, lang):
    response = client.get(PAGE.format(lang=lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    for anchor in ("chunked", "sse", "websocket", "range", "compare", "broadcast"):
        assert f'id="{anchor}"' in html
    assert SAMPLE_SHA256 in html
    assert f"/{lang}/articles/http-streaming/" in html
    assert f"/{lang}/quizzes/http-streaming/" in html
    assert "js/labs/streaming.js" in html


def test_without_javascript_every_demo_links_to_its_endpoint_and_wire_json(client):
    html = client.get("/en/labs/streaming/").content.decode()
    for href in (
        'action="/api/labs/streaming/chunked/"',
        'href="/api/labs/streaming/wire/?demo=chunked"',
        'href="/api/labs/streaming/wire/?demo=chunked-wrong"',
        'href="/api/labs/streaming/chunked-wrong/"',
        'action="/sse/labs/streaming/events/"',
        'href="/api/labs/streaming/wire/?demo=sse"',
        'href="/sse/labs/streaming/broadcast/"',
        'action="/api/labs/streaming/broadcast/"',
        'href="/api/labs/streaming/files/sample.bin"',
        'href="/api/labs/streaming/wire/?demo=range"',
    ):
        assert href in html


def test_the_page_shows_engine_computed_bytes_without_javascript(client):
    html = client.get("/en/labs/streaming/").content.decode()
    assert "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" in html  # RFC 6455's example accept key
    assert "81 05 48 65 6c 6c 6f" in html  # an unmasked server frame
    assert "inner chunks" in html  # the double-framing explanation
    assert "retry: 3000" in html


def test_the_page_embeds_a_csrf_token_so_it_is_private_and_varies_on_htmx(client):
    response = client.get("/en/labs/streaming/")
    assert "private" in response["Cache-Control"]
    assert "HX-Request" in response["Vary"]
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"range": "bytes=0-499"}, "Content-Range: bytes 0-499/10000"),
        ({"range": "bytes=-500"}, "Content-Range: bytes 9500-9999/10000"),
        ({"range": "bytes=10000-"}, "Content-Range: bytes */10000"),
        ({"range": "bytes=0-99,200-299"}, "multipart/byteranges; boundary="),
        ({"range": "bytes=0-1", "if_range": '"stale"'}, "HTTP/1.1 200 OK"),
        ({"range": "bytes=0-1", "if_range": SAMPLE_ETAG}, "HTTP/1.1 206 Partial Content"),
        ({"range": ""}, "No Range header"),
    ],
)
def test_the_range_preview_shows_the_response_the_endpoint_plans(client, query, expected):
    response = client.get("/en/labs/streaming/?" + urlencode(query))
    assert response.status_code == 200
    assert expected in response.content.decode().replace("&quot;", '"')


def test_an_htmx_request_gets_only_the_results_partial(client):
    response = client.get("/en/labs/streaming/?range=bytes%3D-500", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "data-range-preview" in html
    assert "bytes 9500-9999/10000" in html


@pytest.mark.parametrize(
    "query, name",
    [
        ({"range": "bytes=0-1\x01"}, "range"),
        ({"range": "bytes=" + "1" * 1100}, "range"),
        ({"if_range": "\x7f"}, "if_range"),
        ({"if_range": "x" * 201}, "if_range"),
        ({"range": "bytes=0-1é"}, "range"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_bad_page_parameters_get_400_with_a_message_naming_them(client, query, name, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get("/en/labs/streaming/?" + urlencode(query), headers=headers)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{name}: " in html  # the partial's message names the parameter
    if not htmx:
        assert f'id="range-{name}-error"' in html  # and the full page puts it by the field


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(["range", "if_range", "chunks", "demo", "x"]),
        st.text(max_size=40),
        max_size=3,
    )
)
def test_no_query_string_makes_the_page_fail(client, query):
    response = client.get("/en/labs/streaming/?" + urlencode(query))
    assert response.status_code in (200, 400)


# --- the broadcast form --------------------------------------------------------------------


def page_token(client):
    html = client.get("/en/labs/streaming/").content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def test_the_broadcast_form_is_csrf_protected():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/labs/streaming/broadcast/", {"message": "hi"})
    assert response.status_code == 403
    json_response = client.post(
        "/api/labs/streaming/broadcast/", '{"message": "hi"}', content_type="application/json"
    )
    assert json_response.status_code == 403


def test_the_broadcast_form_posts_then_redirects_back_to_the_page():
    client = Client(enforce_csrf_checks=True)
    token = page_token(client)
    response = client.post(
        "/api/labs/streaming/broadcast/",
        {"csrfmiddlewaretoken": token, "message": "hello", "next": "/en/labs/streaming/"},
    )
    assert response.status_code == 303
    assert response["Location"] == "/en/labs/streaming/#broadcast"
    followed = client.get(response["Location"].partition("#")[0])
    assert "Broadcast sent" in followed.content.decode()


def test_the_broadcast_form_never_redirects_off_site():
    client = Client(enforce_csrf_checks=True)
    token = page_token(client)
    response = client.post(
        "/api/labs/streaming/broadcast/",
        {"csrfmiddlewaretoken": token, "message": "hello", "next": "https://evil.example/"},
    )
    assert urlsplit(response["Location"]).netloc == ""


@pytest.mark.parametrize("message", ["", "   ", "x" * 281, "bell\x07"])
def test_a_bad_broadcast_form_gets_400_and_the_page_with_the_message(message):
    client = Client(enforce_csrf_checks=True)
    token = page_token(client)
    response = client.post(
        "/api/labs/streaming/broadcast/",
        {"csrfmiddlewaretoken": token, "message": message},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert 'id="broadcast-error"' in response.content.decode()


def test_a_bad_json_broadcast_gets_a_json_400(client):
    for body in ('{"message": ""}', "[]", "not json", '{"message": "' + "x" * 300 + '"}'):
        response = client.post(
            "/api/labs/streaming/broadcast/", body, content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["error"]


def test_broadcasts_are_rate_limited_per_client(client):
    statuses = [
        client.post(
            "/api/labs/streaming/broadcast/", '{"message": "m"}', content_type="application/json"
        ).status_code
        for _ in range(11)
    ]
    assert statuses == [202] * 10 + [429]


# --- links the article makes to the lab ------------------------------------------------------


def article_links():
    links = set()
    for path in ARTICLES:
        for match in re.finditer(
            r"\]\((/[^)\s]*(?:labs/streaming|/sse/|/ws/)[^)\s]*)\)", path.read_text()
        ):
            links.add(match[1])
    return sorted(links)


def test_the_article_links_to_the_lab_at_all():
    assert any("/labs/streaming/#" in link for link in article_links())


PAGE_LINKS = [link for link in article_links() if link.startswith(("/en/", "/zh-hans/"))]
# /sse/ and /ws/ links are Channels routes and the wire view records a live socket: both are
# followed against a real daphne in test_live_protocol.py.
API_LINKS = [link for link in article_links() if link.startswith("/api/") and "/wire/" not in link]


@pytest.mark.parametrize("link", PAGE_LINKS)
def test_every_page_link_and_anchor_in_the_article_exists(client, link):
    path, _, anchor = link.partition("#")
    response = client.get(path)
    assert response.status_code == 200
    if anchor:
        assert f'id="{anchor}"' in response.content.decode()


@pytest.mark.parametrize("link", API_LINKS)
def test_every_api_link_in_the_article_answers(client, link):
    response = client.get(link)
    assert response.status_code == 200
