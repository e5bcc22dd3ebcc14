"""The consistent-hashing lab in Chromium: htmx runs, moved keys, errors, the live room."""

import re
import uuid

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, screenshot

LAB = "/en/labs/hashring/"
SMALL = "?algorithm=ring&nodes=8&vnodes=20&keys=20000"


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_adding_a_node_highlights_the_moved_keys_without_reloading(live_site, page, page_problems):
    page.goto(f"{live_site.url}{LAB}{SMALL}")
    page.evaluate("window.stillTheSamePage = true")
    page.locator("#add-node-name").fill("cache-x")
    page.locator("button[data-action='add']").click()
    moved = page.locator("#ring svg circle.moved")
    moved.first.wait_for()
    assert moved.count() > 0
    assert int(page.locator(".hashring-moved").get_attribute("data-moved")) > 0
    assert "cache-x" in page.locator("#summary-title").inner_text()
    assert page.evaluate("window.stillTheSamePage") is True  # htmx swapped, no navigation
    assert "change=add" in page.url and "node=cache-x" in page.url  # the link can be shared
    screenshot(page, "hashring-add-desktop-light")
    assert page_problems == []


def test_the_run_button_updates_results_and_back_restores_them(live_site, page, page_problems):
    page.goto(f"{live_site.url}{LAB}{SMALL}")
    page.locator("#id_algorithm").select_option("modulo")
    page.locator("#lab-controls button[type='submit']").click()
    page.wait_for_url(re.compile(r"algorithm=modulo"))
    page.locator("#ring .notice").wait_for()  # modulo has no ring to draw
    page.go_back()
    page.wait_for_url(re.compile(r"algorithm=ring"))
    page.locator("#ring svg").wait_for()
    assert page.locator("#id_algorithm").input_value() == "ring"
    assert page_problems == []


def test_a_bad_value_is_explained_next_to_its_field(live_site, page, page_problems):
    page.goto(f"{live_site.url}{LAB}{SMALL}")
    page.locator("#id_algorithm").select_option("rendezvous")
    page.locator("#id_keys").fill("500000")
    page.locator("#lab-controls button[type='submit']").click()
    error = page.locator("#id_keys_error")
    error.wait_for()
    assert "100,000" in error.inner_text()
    assert page.locator("#id_keys").get_attribute("aria-invalid") == "true"
    # The browser reports the 400 response itself; nothing else may complain.
    assert [p for p in page_problems if "status of 400" not in p] == []


def test_the_jump_hash_refusal_from_the_article_is_explained(live_site, page, page_problems):
    page.goto(
        f"{live_site.url}{LAB}?algorithm=jump&nodes=10&keys=100000&change=remove&node=node-3#counts"
    )
    refusal = page.locator(".hashring-refusal")
    assert refusal.is_visible()
    assert "node-3 cannot be removed" in refusal.inner_text()
    assert "only the last one, node-9" in refusal.inner_text()
    assert page_problems == []


def test_the_lab_works_without_javascript(live_site, browser):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_site.url}{LAB}{SMALL}")
    page.locator("button[data-action='add']").click()
    page.wait_for_url(re.compile(r"change=add"))
    assert page.locator("#ring svg circle.moved").count() > 0
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_desktop_screenshots_in_both_themes(live_site, new_page, page_problems, scheme):
    page = new_page(viewport=DESKTOP, color_scheme=scheme)
    page.goto(
        f"{live_site.url}/zh-hans/labs/hashring/?algorithm=ring&nodes=10&vnodes=10&change=add"
    )
    chart_colour = page.evaluate("getComputedStyle(document.querySelector('.chart')).color")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert chart_colour != background
    screenshot(page, f"hashring-desktop-{scheme}")
    page.goto(
        f"{live_site.url}/en/labs/hashring/?nodes=10&vnodes=160&keys=100000&change=add#compare"
    )
    screenshot(page, f"hashring-compare-desktop-{scheme}")
    assert page_problems == []


def test_phone_screenshot_fits_the_screen(live_site, new_page, page_problems):
    page = new_page(viewport=PHONE)
    page.goto(
        f"{live_site.url}/zh-hans/labs/hashring/?algorithm=jump&nodes=10&change=remove&node=node-3"
    )
    assert no_horizontal_scroll(page)
    screenshot(page, "hashring-phone")
    assert page_problems == []


def test_two_readers_of_a_live_room_see_each_others_changes(live_site, new_page, page_problems):
    room = f"e2e-{uuid.uuid4().hex[:8]}"
    alice = new_page(viewport=DESKTOP)
    bob = new_page(viewport=PHONE, color_scheme="dark")
    for reader in (alice, bob):
        reader.goto(f"{live_site.url}/en/labs/hashring/live/{room}/")
        reader.locator("#live-nodes li").first.wait_for()
    # Wait until both sockets are open, then change the ring from one page.
    for reader in (alice, bob):
        reader.wait_for_function("document.querySelector('[ws-connect]')['htmx-internal-data']"
                                 ".webSocket.socket.readyState === 1")  # fmt: skip
    alice.locator("#live-node-name").fill("alice-box")
    alice.locator("#live-node-name").press("Enter")
    for reader in (alice, bob):
        reader.locator("#live-nodes .node-name", has_text="alice-box").wait_for()
        assert reader.locator("#live-ring circle.moved").count() > 0
        assert "alice-box joined" in reader.locator("#live-log").inner_text()
    assert alice.url.endswith(f"/live/{room}/")  # sent over the socket, not posted
    bob.locator("#live-nodes li", has_text="node-2").get_by_role("button").click()
    alice.locator("#live-log li", has_text="node-2 left").wait_for()
    screenshot(alice, "hashring-live-desktop-light")
    screenshot(bob, "hashring-live-phone-dark")
    assert no_horizontal_scroll(bob)
    assert page_problems == []
