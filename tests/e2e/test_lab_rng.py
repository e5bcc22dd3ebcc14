"""The RNG lab in Chromium against a live daphne: the prediction game, the battery over SSE,
the Mersenne Twister and time-seed panels, errors swapped in place, and screenshots."""

import re

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, screenshot

PAGE = "/{lang}/labs/rng/"


def open_lab(page, live_site, query="", lang="en"):
    page.goto(live_site.url + PAGE.format(lang=lang) + query)
    page.wait_for_load_state("networkidle")


def test_the_prediction_game_reveals_the_attack_then_loses_to_the_csprng(
    live_site, page, page_problems
):
    open_lab(page, live_site, "?generator=lcg&seed=20240617&n=3#predict")
    page.click("[data-round-start] button[type=submit]")
    page.wait_for_selector("[data-guess-form]")
    outputs = page.locator("[data-round-outputs] li").all_inner_texts()
    assert len(outputs) == 3 and all(re.fullmatch(r"\d+", o.strip()) for o in outputs)
    page.fill("#guess-guess", "1")
    page.click("[data-guess-form] button[type=submit]")
    page.wait_for_selector("[data-predictions]")
    assert page.locator("[data-guess-verdict]").inner_text().strip()
    assert page.locator("[data-attack-steps] li").count() >= 4
    assert page.locator("[data-predictions] tbody tr").count() == 10
    assert page.locator("[data-matched]").get_attribute("data-matched") == "10"
    # The second round: the same attack against the CSPRNG predicts nothing.
    page.click("[data-other-round]")
    page.wait_for_selector("[data-round-generator=csprng] [data-guess-form]")
    page.click("[data-guess-form] button[type=submit]")
    page.wait_for_selector("[data-round-generator=csprng] [data-predictions]")
    assert page.locator("[data-matched]").get_attribute("data-matched") == "0"
    assert page_problems == []


def test_the_battery_streams_over_sse_to_its_result_table(live_site, page, page_problems):
    streams = []
    page.on(
        "request", lambda request: streams.append(request.url) if "/sse/" in request.url else None
    )
    open_lab(page, live_site, "?generator=randu&seed=1&n=100000#battery")
    page.click("[data-battery-form] button[type=submit]")
    page.wait_for_selector("[data-battery-result]", timeout=20_000)
    assert len(streams) == 1 and "/sse/labs/rng/battery/?generator=randu&seed=1" in streams[0]
    rows = page.locator(".rng-battery tbody tr")
    assert rows.count() >= 6
    assert "fail" in page.locator(".rng-battery").inner_text()  # RANDU fails the byte test
    progress = page.locator(".battery-progress progress")
    assert progress.get_attribute("value") == progress.get_attribute("max") == "600"
    assert not page.locator("[data-battery-cancel]").is_visible()  # nothing left to cancel
    page.wait_for_timeout(1500)  # a closed stream must not reconnect and start a new battery
    assert len(streams) == 1
    assert page_problems == []


def test_a_bad_parameter_shows_its_message_next_to_the_field_in_place(
    live_site, page, page_problems
):
    open_lab(page, live_site)
    page.evaluate("() => { window.notReloaded = true; }")
    page.select_option("#rng-generator", "randu")
    page.fill("#rng-seed", "2")  # passes the browser's checks; RANDU needs an odd seed
    page.click(".rng-controls button[type=submit]")
    page.wait_for_selector(".rng-controls .field.has-error")
    assert page.locator("[data-rng-lab] .notice.error").inner_text().startswith("seed: must be odd")
    assert page.evaluate("() => window.notReloaded === true")
    # Chromium logs every 4xx response; that one is the point of the test, nothing else may be.
    assert [p for p in page_problems if "status of 400 (Bad Request)" not in p] == []


def test_the_mt_panel_fills_624_outputs_and_predicts_the_next_ten(live_site, page, page_problems):
    open_lab(page, live_site, "?generator=mt19937&seed=5489&n=624#mt-clone")
    assert page.input_value("#mt-fill-seed") == "5489"
    page.click("[data-mt-fill] button[type=submit]")
    page.wait_for_selector("#mt-outputs:not(:empty)")
    assert len(page.input_value("#mt-outputs").split()) == 624
    page.click("[data-mt-clone] button[type=submit]")
    page.wait_for_selector("[data-mt-result]")
    assert "10 of 10 predictions match the real generator" in page.inner_text("[data-mt-result]")
    assert page_problems == []


def test_the_time_seed_link_cracks_the_article_token(live_site, page, page_problems):
    open_lab(page, live_site, "?generator=mt19937&seed=1718002417#time-seed")
    assert page.input_value("#time-token") == "8543a8c1ccfc77e07d1bfd4387dee83d"
    page.click("[data-time-seed] button[type=submit]")
    page.wait_for_selector("[data-time-result]")
    assert "1718002417" in page.inner_text("[data-time-result]")
    # A token from the browser's CSPRNG is found nowhere in the window.
    page.click("[data-secrets-token]")
    assert page.input_value("#time-token") != "8543a8c1ccfc77e07d1bfd4387dee83d"
    page.click("[data-time-seed] button[type=submit]")
    page.wait_for_selector("[data-time-result] .notice.success")
    assert page_problems == []


@pytest.mark.parametrize(
    "query",
    [
        "?generator=lcg&seed=0&n=10000#pairs",
        "?generator=pcg32&seed=42&n=10000#histogram",
        "?generator=randu&seed=1&n=30000#randu",
        "?generator=lcg&seed=0&n=4096&bit=0#bits",
        "?generator=csprng&n=624#predict",
    ],
)
def test_article_links_open_their_panel_without_console_errors(
    live_site, page, page_problems, query
):
    open_lab(page, live_site, query, lang="zh-hans")
    anchor = query.split("#")[1]
    assert page.locator(f"#{anchor}").is_visible()
    assert page_problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size_name, viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_screenshots_fit_the_viewport_in_both_themes(
    live_site, new_page, page_problems, scheme, size_name, viewport
):
    for lang in ("zh-hans", "en"):
        page = new_page(viewport=viewport, color_scheme=scheme)
        open_lab(page, live_site, "?generator=randu&seed=1&n=30000", lang=lang)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{lang} {size_name} {scheme} scrolls sideways by {overflow}px"
        screenshot(page, f"lab-rng-{lang}-{size_name}-{scheme}")
    assert page_problems == []
