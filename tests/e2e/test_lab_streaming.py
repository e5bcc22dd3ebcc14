"""The streaming lab in Chromium: all four panels, the SSE reconnect, broadcast, screenshots."""

import re

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, screenshot

LAB = "/{lang}/labs/streaming/"


def wait_until(page, condition, timeout_ms=10_000):
    """Poll from Python: the page's CSP forbids the eval behind wait_for_function("...")."""
    for _ in range(timeout_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("condition not met in time")


def open_lab(page, live_site, lang="en"):
    page.goto(live_site.url + LAB.format(lang=lang))
    page.wait_for_load_state("networkidle")


def test_the_chunked_panel_shows_lines_arriving_and_the_wire_view(live_site, page, page_problems):
    open_lab(page, live_site)
    panel = page.locator("#chunked")
    panel.locator("#chunked-chunks").fill("4")
    panel.locator("#chunked-interval_ms").fill("400")
    panel.locator("[data-start]").click()
    page.wait_for_selector("#chunked[data-state=done]", timeout=15_000)
    reads = panel.locator("[data-chunked-log] li")
    # Lines arrive in several reads (a busy machine may merge two into one read, never all).
    assert reads.count() >= 2
    assert "chunk 1 of 4" in reads.nth(0).inner_text()
    assert "chunk 4 of 4" in panel.locator("[data-chunked-log]").inner_text()
    wire = panel.locator("[data-wire-output='chunked']")
    assert "Transfer-Encoding: chunked" in wire.inner_text()
    assert wire.locator(".chunk-list li").count() == 4
    assert wire.locator(".fail").count() == 0

    panel.locator("[data-chunked-wrong]").check()
    panel.locator("[data-start]").click()
    page.wait_for_selector("#chunked[data-state=done]", timeout=15_000)
    assert "20\\r\\n" in panel.locator("[data-chunked-log]").inner_text()  # size lines as content
    assert wire.locator("p.fail").count() == 1  # double framing, named as such
    assert page_problems == []


def test_sse_drop_shows_the_browser_reconnecting_with_last_event_id_and_missing_nothing(
    live_site, page, page_problems
):
    open_lab(page, live_site)
    panel = page.locator("#sse")
    panel.locator("#sse-count").fill("8")
    panel.locator("#sse-interval_ms").fill("250")
    panel.locator("#sse-retry_ms").fill("300")
    panel.locator("[data-start]").click()
    wait_until(page, lambda: int(panel.locator("[data-sse-received]").inner_text()) >= 2)
    panel.locator("[data-sse-drop]").click()
    page.wait_for_selector("#sse[data-state=done]", timeout=20_000)
    assert panel.locator("[data-sse-received]").inner_text() == "8"
    assert panel.locator("[data-sse-missing]").inner_text() == "0"
    assert int(panel.locator("[data-sse-connections]").inner_text()) >= 2
    hellos = panel.locator("[data-sse-log] li.hello").all_inner_texts()
    assert len(hellos) >= 2
    resumed_after = re.search(r"Last-Event-ID (\d+)", hellos[1])
    assert resumed_after and int(resumed_after[1]) >= 2
    assert panel.locator("[data-sse-log] li.pass").count() == 1  # 204: EventSource stopped
    assert page_problems == []


def test_a_broadcast_reaches_the_sse_subscriber_and_the_room_socket(live_site, page, page_problems):
    open_lab(page, live_site)
    page.locator("[data-room-join]").click()
    page.wait_for_selector("[data-ws-panel][data-room=joined]")
    page.locator("[data-broadcast-subscribe]").click()
    page.wait_for_selector("#sse[data-subscribed=yes]")
    page.locator("#broadcast-message").fill("hello from the browser test")
    page.locator("[data-broadcast-form] button[type=submit]").click()
    page.wait_for_selector("[data-broadcast-log] li.broadcast")
    assert "hello from the browser test" in page.locator("[data-broadcast-log]").inner_text()
    page.wait_for_selector("[data-ws-messages] li.broadcast")
    assert "hello from the browser test" in page.locator("[data-ws-messages]").inner_text()
    assert page_problems == []


def test_the_websocket_panel_echoes_relays_and_logs_frames(live_site, page, page_problems):
    open_lab(page, live_site)
    panel = page.locator("#websocket")
    panel.locator("[data-echo-connect]").click()
    page.wait_for_selector("[data-ws-panel][data-echo=open]")
    panel.locator("#echo-text").fill("Hello")
    panel.locator("[data-echo-send]").click()
    wait_until(page, lambda: "echo ← Hello" in panel.locator("[data-ws-messages]").inner_text())
    rows = panel.locator("[data-frame-log] tr")
    sent, echoed = (
        rows.nth(0).locator("td").all_inner_texts(),
        rows.nth(1).locator("td").all_inner_texts(),
    )
    assert sent[3] == "masked" and echoed[3] == "unmasked"
    assert int(sent[5]) == int(echoed[5]) + 4  # the 4-byte mask: client frames only

    panel.locator("[data-room-join]").click()
    page.wait_for_selector("[data-ws-panel][data-room=joined]")
    panel.locator("#room-message").fill("hi room")
    panel.locator("[data-room-send]").click()
    wait_until(page, lambda: ": hi room" in panel.locator("[data-ws-messages]").inner_text())
    panel.locator("[data-room-invalid]").click()
    page.wait_for_selector("[data-ws-messages] li.fail")
    assert panel.get_attribute("data-room") == "joined"  # still open after bad JSON

    panel.locator("[data-echo-big]").click()
    page.wait_for_selector("[data-ws-panel][data-echo^=closed]")
    # daphne drops the connection without a Close frame: the browser reports 1006
    assert panel.get_attribute("data-echo") in ("closed:1006", "closed:1009")
    assert page_problems == []


def test_the_resumable_download_verifies_the_checksum(live_site, page, page_problems):
    open_lab(page, live_site)
    panel = page.locator("#range")
    panel.locator("[data-range-first]").click()
    page.wait_for_selector("#range[data-state=half]")
    assert "bytes 0-4999/10000" in panel.locator("[data-range-log]").inner_text()
    panel.locator("[data-range-resume]").click()
    page.wait_for_selector("#range[data-state=verified]")
    log = panel.locator("[data-range-log]").inner_text()
    assert "If-Range" in log and "bytes 5000-9999/10000" in log
    expected = panel.get_attribute("data-sha256")
    assert panel.locator("[data-range-verdict] code").inner_text() == expected
    assert page_problems == []


def test_the_range_composer_previews_with_htmx_and_records_the_wire(live_site, page, page_problems):
    open_lab(page, live_site)
    panel = page.locator("#range")
    panel.locator("#range-range").fill("bytes=-500")
    panel.locator("[data-range-form] button.primary").click()
    wait_until(
        page, lambda: "bytes 9500-9999/10000" in panel.locator("#range-results").inner_text()
    )
    assert "range=bytes%3D-500" in page.url  # hx-push-url: the preview has an address
    panel.locator("#range-range").fill("bytes=0-1é")
    panel.locator("[data-range-form] button.primary").click()
    page.wait_for_selector("#range-results .notice.error")
    assert "range:" in panel.locator("#range-results").inner_text()

    panel.locator("#range-range").fill("bytes=10000-")
    panel.locator("[data-range-send]").click()
    page.wait_for_selector("[data-wire-output='range'] .wire-exchange")
    assert "416" in panel.locator("[data-wire-output='range']").inner_text()
    # Chrome logs every 4xx answer to fetch/XHR; here the 400 and the 416 are the demo itself.
    expected = ("status of 400 (Bad Request)", "status of 416 (Requested Range not satisfiable)")
    assert [p for p in page_problems if not p.endswith(expected)] == []


def test_without_javascript_the_page_still_explains_and_links(browser, live_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_site.url + LAB.format(lang="en"))
    assert page.locator(".js-hint").first.is_visible()
    assert page.locator("a[href='/api/labs/streaming/wire/?demo=chunked-wrong']").count() == 1
    page.locator("#chunked-chunks").fill("3")
    page.locator("#chunked-interval_ms").fill("50")
    page.locator("#chunked [data-start]").click()  # the form goes to the raw stream itself
    page.wait_for_url("**/api/labs/streaming/chunked/**")
    assert "chunk 3 of 3" in page.locator("body").inner_text()
    context.close()


@pytest.mark.parametrize(
    "name, viewport, scheme, lang",
    [
        ("desktop-light", DESKTOP, "light", "zh-hans"),
        ("desktop-dark", DESKTOP, "dark", "en"),
        ("phone-light", PHONE, "light", "en"),
    ],
)
def test_lab_screenshots_fit_the_viewport(
    live_site, new_page, page_problems, name, viewport, scheme, lang
):
    page = new_page(viewport=viewport, color_scheme=scheme)
    open_lab(page, live_site, lang)
    page.locator("#range [data-range-first]").click()
    page.wait_for_selector("#range[data-state=half]")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]  # nothing pushes the page sideways
    screenshot(page, f"lab-streaming-{name}")
    assert page_problems == []
