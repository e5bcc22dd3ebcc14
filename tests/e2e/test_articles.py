import contextlib
import json

import pytest

from tests.articles.xss_corpus import PAYLOADS
from tests.e2e.conftest import DESKTOP, PHONE, screenshot


def test_a_reader_uses_the_table_of_contents_and_copies_code(live_site, new_page, page_problems):
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_site.url)
    page.goto(f"{live_site.url}/zh-hans/articles/consistent-hashing/")
    toc_link = page.locator(".article-aside .toc a").nth(2)
    target = toc_link.get_attribute("href")
    toc_link.click()
    page.wait_for_function("(hash) => location.hash === hash", arg=target)
    heading = page.locator(f"[id='{target[1:]}']")
    assert heading.is_visible()
    button = page.locator(".prose .codehilite .copy-button").first
    button.click()
    page.wait_for_function("() => document.querySelector('.copy-button.copied') !== null")
    copied = page.evaluate("navigator.clipboard.readText()")
    code = page.locator(".prose .codehilite code").first.inner_text()
    assert copied.strip() == code.strip() and copied
    assert page_problems == []


def test_the_header_search_shows_results_as_you_type(live_site, page, page_problems):
    page.goto(f"{live_site.url}/zh-hans/")
    page.locator("#site-search-q").fill("哈希环")
    results = page.locator("#site-search-results .results li")
    results.first.wait_for()
    assert "哈希环" in page.locator("#site-search-results mark").first.inner_text()
    results.first.locator("a").click()
    page.wait_for_url("**/articles/**")
    assert page_problems == []


def test_search_works_without_javascript(live_site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_site.url}/en/search/?q=sys.modules")
    assert page.locator(".results li a").count() >= 1
    context.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_article_screenshots(live_site, new_page, page_problems, language):
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        for scheme in ("light", "dark"):
            page = new_page(viewport=viewport, color_scheme=scheme)
            page.goto(f"{live_site.url}/{language}/articles/consistent-hashing/")
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            screenshot(page, f"article-{language}-{name}-{scheme}")
    assert page_problems == []


def test_the_whole_xss_corpus_on_one_page_does_nothing_in_a_real_browser(live_site, new_page):
    body = "\n\n".join(PAYLOADS)
    live_site.manage(
        "shell",
        "-c",
        "from articles.models import Article, Topic\n"
        "topic = Topic.objects.order_by('order').first()\n"
        f"Article(topic=topic, slug='xss-corpus', language='en', title='XSS corpus', summary='s',"
        f" status='published', body={json.dumps(body)}).save()\n",
    )
    page = new_page()
    dialogs, foreign_requests, problems = [], [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "request",
        lambda request: (
            foreign_requests.append(request.url)
            if not request.url.startswith((live_site.url, "data:"))
            else None
        ),
    )
    # Broken relative images (<img src=x>) 404: expected. Anything else logged is not.
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and "Failed to load resource" not in msg.text
            else None
        ),
    )
    page.goto(f"{live_site.url}/en/articles/xss-corpus/")
    page.wait_for_load_state("networkidle")
    # Hover everything a reader could touch (elements off-screen cannot be hovered: fine).
    for element in page.locator(".prose a, .prose img, .prose div, .prose p").all()[:200]:
        with contextlib.suppress(Exception):
            element.hover(timeout=200)
    page.wait_for_timeout(300)
    assert dialogs == []
    assert foreign_requests == []
    assert (
        page.evaluate(
            "document.querySelectorAll('.prose script, .prose iframe, .prose form, .prose [onerror], .prose [hx-post]').length"
        )
        == 0
    )
    assert problems == []
