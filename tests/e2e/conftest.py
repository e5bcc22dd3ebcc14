"""Browser tests: Playwright driving Debian's Chromium against a live daphne server.

Where /usr/bin/chromium is missing the tests skip with a loud message; with
KB_REQUIRE_BROWSER=1 (CI) they fail instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import require_or_skip
from tests.live import start_live_site, stop_live_site

CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 360, "height": 780}


def pytest_collection_modifyitems(items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_site():
    site = start_live_site()
    yield site
    stop_live_site(site)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        require_or_skip(
            "KB_REQUIRE_BROWSER", f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class PageProblems(list):
    """Console errors, page errors and CSP violations seen by a page."""


@pytest.fixture
def page_problems():
    return PageProblems()


def watch(page, problems: PageProblems) -> None:
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    # CSP violations also reach the console, but count them explicitly.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )


@pytest.fixture
def new_page(browser, page_problems):
    """Open pages with a given viewport and colour scheme; every page is watched for problems."""
    contexts = []

    def open_page(viewport=DESKTOP, color_scheme="light", locale="zh-CN"):
        context = browser.new_context(viewport=viewport, color_scheme=color_scheme, locale=locale)
        contexts.append(context)
        page = context.new_page()
        watch(page, page_problems)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
