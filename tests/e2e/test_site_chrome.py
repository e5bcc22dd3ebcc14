import pytest

from tests.e2e.conftest import DESKTOP, PHONE, screenshot

PUBLIC_PATHS = [
    "/zh-hans/", "/en/", "/zh-hans/articles/", "/en/labs/", "/zh-hans/quizzes/",
    "/en/practice/", "/zh-hans/search/?q=%E5%93%88%E5%B8%8C", "/en/accounts/login/",
]  # fmt: skip


def test_home_page_in_both_languages_lists_the_topics(live_site, page, page_problems):
    page.goto(f"{live_site.url}/zh-hans/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text().strip()
    assert page.locator(".card-grid .card").count() >= 1
    page.goto(f"{live_site.url}/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Topics" in page.locator("main").inner_text()
    assert page_problems == []


def test_the_language_switch_opens_the_same_page_in_the_other_language(live_site, page):
    page.goto(f"{live_site.url}/zh-hans/labs/")
    page.locator(".lang-switch a[hreflang='en']").click()
    page.wait_for_url(f"{live_site.url}/en/labs/")
    assert page.locator("h1").inner_text() == "Labs"


def test_the_dark_mode_toggle_is_remembered_across_pages(live_site, page, page_problems):
    page.goto(f"{live_site.url}/en/")
    background_light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.locator("[data-theme-toggle]").click()
    assert page.locator("html").get_attribute("data-theme") == "dark"
    page.goto(f"{live_site.url}/en/labs/")
    assert page.locator("html").get_attribute("data-theme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != background_light
    assert page_problems == []


def test_the_skip_link_moves_focus_to_the_main_content(live_site, page):
    page.goto(f"{live_site.url}/en/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_no_page_logs_console_errors_or_csp_violations(live_site, page, page_problems, path):
    page.goto(f"{live_site.url}{path}")
    page.wait_for_load_state("networkidle")
    assert page_problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size_name, viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_home_page_screenshots_fit_the_viewport(
    live_site, new_page, page_problems, scheme, size_name, viewport
):
    for language in ("zh-hans", "en"):
        page = new_page(viewport=viewport, color_scheme=scheme)
        page.goto(f"{live_site.url}/{language}/")
        page.wait_for_load_state("networkidle")
        # Nothing may scroll sideways, down to a 360 px phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"home-{language}-{size_name}-{scheme}")
    assert page_problems == []
