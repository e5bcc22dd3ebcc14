import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, screenshot

LAB = "/en/labs/imports/"


def test_the_reload_scenario_shows_the_stale_binding_to_the_old_function(
    live_site, page, page_problems
):
    page.goto(f"{live_site.url}{LAB}?scenario=reload-stale")
    final = page.locator(".final-bindings svg.chart-bindings")
    final.wait_for()
    # Both function objects are drawn, each with its label...
    objects = final.locator("g.object text").all_text_contents()
    assert "function demo.greet (run 1, v1)" in objects
    assert "function demo.greet (run 2, v2)" in objects
    # ...the old one is marked stale, and the arrow from `greet` to it is a stale arrow.
    old = final.locator("g.object.stale", has_text="function demo.greet (run 1, v1)")
    assert old.count() == 1
    stale_arrow = final.locator("g.edge.stale", has_text="greet → function demo.greet (run 1, v1)")
    assert stale_arrow.count() == 1
    assert stale_arrow.locator("path").first.get_attribute("stroke-dasharray")
    # The stale arrow is drawn in the error colour, the current ones are not.
    stale_colour = stale_arrow.locator("path").first.evaluate("e => getComputedStyle(e).stroke")
    fresh = final.locator("g.edge:not(.stale)").first.locator("path").first
    assert stale_colour != fresh.evaluate("e => getComputedStyle(e).stroke")
    assert "hello from version 1" in page.locator("#step-8 .step-output").inner_text()
    assert page_problems == []


def test_running_with_htmx_swaps_the_results_and_pushes_a_shareable_url(
    live_site, page, page_problems
):
    page.goto(f"{live_site.url}{LAB}?scenario=import-twice")
    page.locator("#id_guess").fill("it prints once")
    page.locator("#id_steps").fill("import demo\nimport demo\nimport demo")
    page.locator("#imports-form button.primary").click()
    page.wait_for_url("**steps=import*demo*")
    page.locator("#step-3").wait_for()
    assert page.locator(".timeline-step").count() == 3
    assert "running demo.py" in page.locator("#step-1 .step-output").inner_text()
    assert page.locator("#step-2 .step-output").count() == 0
    assert page.locator("details.answer").get_attribute("open") is not None
    assert "it prints once" in page.locator(".answer-panel").inner_text()
    assert page_problems == []


def test_the_step_editor_buttons_edit_the_list_in_place(live_site, page, page_problems):
    page.goto(f"{live_site.url}{LAB}?scenario=del-sys-modules")
    before = page.locator(".step-list .step-line").all_inner_texts()
    page.get_by_role("button", name="Move step 2 up").click()
    expect(page.locator(".step-list .step-line").first).to_have_text(before[1])
    after = page.locator(".step-list .step-line").all_inner_texts()
    assert after[:2] == [before[1], before[0]]
    assert page.locator("#id_steps").input_value().splitlines() == after
    page.get_by_role("button", name="Remove step 1").click()
    expect(page.locator(".step-list li")).to_have_count(len(after) - 1)
    page.locator(".palette summary").click()
    page.locator(".palette .chip", has_text="restart").click()
    expect(page.locator(".step-list .step-line").last).to_have_text("restart")
    assert page.locator(".palette").get_attribute("open") is not None
    # The URL still points at the last run: editing is not running.
    assert "edit=" not in page.url
    assert page_problems == []


def test_a_refused_step_shows_its_message_next_to_the_steps(live_site, page, page_problems):
    page.goto(f"{live_site.url}{LAB}?scenario=import-twice")
    page.locator("#id_steps").fill("import demo\n__import__('os').system('id')")
    page.locator("#imports-form button.primary").click()
    error = page.locator("#steps-error")
    error.wait_for()
    assert "dunder names are not available" in error.inner_text()
    assert page.locator(".timeline").count() == 0
    # The browser logs the 400 itself; nothing else may appear.
    assert [p for p in page_problems if "status of 400" not in p] == []


def test_the_page_works_without_javascript(live_site, browser):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_site.url}{LAB}?scenario=import-twice")
    page.get_by_role("button", name="Move step 2 down").click()
    page.wait_for_url("**edit=down-2*")
    assert page.locator("#id_steps").input_value().splitlines()[1:3] == [
        "import sys",
        "import demo",
    ]
    page.locator("#imports-form button.primary").click()
    page.wait_for_load_state()
    assert page.locator(".timeline-step").count() == 4
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size_name, viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_lab_screenshots_fit_the_viewport(
    live_site, new_page, page_problems, scheme, size_name, viewport
):
    for language, scenario in (("zh-hans", "reload-stale"), ("en", "memory-myth")):
        page = new_page(viewport=viewport, color_scheme=scheme)
        page.goto(f"{live_site.url}/{language}/labs/imports/?scenario={scenario}")
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{language} {scenario} scrolls sideways"
        screenshot(page, f"lab-imports-{scenario}-{language}-{size_name}-{scheme}")
    assert page_problems == []
