"""Accessibility: axe-core on every kind of page, in both languages and both colour schemes,
then what axe cannot judge on its own: 200 % zoom and phone widths, keyboard order and focus
rings on the labs, focus after an htmx swap, reduced motion, and the colours of highlighted code.

The light scheme is audited at desktop width and the dark one at 200 % zoom (640 CSS px, the
phone layout), so one run per scheme also covers both layouts.
"""

from __future__ import annotations

import re
from pathlib import Path

import axe_playwright_python
import pytest

from articles.management.commands import pygments_css
from tests.e2e.conftest import DESKTOP

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(
    encoding="utf-8"
)
ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["zh-hans", "en"]
SCHEMES = ["light", "dark"]
# Browser zoom at 200 % on a 1280 px window lays the page out in 640 CSS px; 360 px is a phone.
ZOOMED = {"width": 640, "height": 430}
PHONE_WIDTH = 360

# (name, path); {q} is a search word in the page's language, one that finds articles.
PAGES = [
    ("home", "/"),
    ("articles", "/articles/"),
    ("article", "/articles/consistent-hashing/"),
    ("labs", "/labs/"),
    ("lab-hashring", "/labs/hashring/"),
    ("lab-rng", "/labs/rng/"),
    ("lab-imports", "/labs/imports/?scenario=reload-stale"),
    ("lab-streaming", "/labs/streaming/"),
    ("quizzes", "/quizzes/"),
    ("quiz", "/quizzes/consistent-hashing/"),
    ("practice", "/practice/"),
    ("search", "/search/?q={q}"),
    ("login", "/accounts/login/"),
    ("signup", "/accounts/signup/"),
]
SEARCH_WORD = {"zh-hans": "%E5%93%88%E5%B8%8C", "en": "hash"}  # 哈希
KEYBOARD_LABS = ["lab-hashring", "lab-imports"]  # the most controls, and htmx-edited forms

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
# Highlighted code is thousands of one-token <span>s, and axe's colour-contrast rule spends
# seconds per page on them. Nothing else in a code block can fail, so axe skips the tokens and
# code_contrast_failures() checks each distinct token colour against its block's background —
# the same WCAG ratio, in milliseconds. (The <pre> itself is still audited, for scrolling.)
AXE_CONTEXT = {"exclude": [[".codehilite code"]]}

# Minor problems in pages other engineers are still finishing, by (page, axe rule); the value
# says how to fix it. Serious and critical violations are never excused.
KNOWN_MINOR: dict[tuple[str, str], str] = {}  # (page, rule) -> why it is tolerated


def page_url(site_url: str, language: str, name: str) -> str:
    path = dict(PAGES)[name].format(q=SEARCH_WORD[language])
    return f"{site_url}/{language}{path}"


def hex_color(css_color: str) -> str:
    """``rgb(1, 2, 3)`` / ``rgba(1, 2, 3, 1)`` from getComputedStyle -> ``#010203``."""
    channels = re.findall(r"[\d.]+", css_color)[:3]
    return "#" + "".join(f"{round(float(c)):02x}" for c in channels)


def contrast(first_css: str, second_css: str) -> float:
    return pygments_css.contrast_ratio(hex_color(first_css), hex_color(second_css))


# ----------------------------------------------------------------------------------------
# axe-core, one browser context per colour scheme for the whole module


@pytest.fixture(scope="module")
def scheme_pages(browser):
    """A page per colour scheme, with axe injected before any page script runs.

    ``bypass_csp`` only lets axe in: the site's own scripts still run under the strict policy.
    """
    contexts, pages = [], {}
    for scheme, viewport in zip(SCHEMES, (DESKTOP, ZOOMED), strict=True):
        context = browser.new_context(viewport=viewport, color_scheme=scheme, bypass_csp=True)
        context.add_init_script(AXE_SOURCE)
        contexts.append(context)
        pages[scheme] = context.new_page()
    yield pages
    for context in contexts:
        context.close()


CODE_COLOURS_JS = """() => {
  const pairs = new Map();
  for (const block of document.querySelectorAll('.codehilite')) {
    const background = getComputedStyle(block).backgroundColor;
    for (const token of block.querySelectorAll('code span[class]')) {
      if (!token.textContent.trim()) continue;
      const color = getComputedStyle(token).color;
      const key = color + '|' + background;
      if (!pairs.has(key)) pairs.set(key, {color, background, token: token.className, text: token.textContent.slice(0, 30)});
    }
  }
  return [...pairs.values()];
}"""


def code_contrast_failures(page) -> list[str]:
    return [
        f"code token .{pair['token']} {pair['text']!r}: {pair['color']} on {pair['background']}"
        f" is {contrast(pair['color'], pair['background']):.2f}:1 (needs 4.5:1)"
        for pair in page.evaluate(CODE_COLOURS_JS)
        if contrast(pair["color"], pair["background"]) < 4.5
    ]


def describe(violation: dict) -> str:
    nodes = "; ".join(
        f"{' '.join(map(str, node['target']))}: {(node.get('failureSummary') or '').strip()[-160:]}"
        for node in violation["nodes"][:3]
    )
    return f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} nodes): {nodes}"


@pytest.mark.parametrize("name", [name for name, _ in PAGES])
@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_no_violations_and_the_page_reflows(live_site, scheme_pages, language, name):
    url = page_url(live_site.url, language, name)
    zoomed = scheme_pages["dark"]
    zoomed.set_viewport_size(ZOOMED)
    for page in scheme_pages.values():
        response = page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
    if name == "search":
        assert scheme_pages["light"].locator(".results li a").count() >= 1, "search found nothing"
    # Start both audits before waiting for either: each context has its own renderer process,
    # so on a machine with a spare core they run side by side.
    for page in scheme_pages.values():
        page.evaluate(
            "([c, o]) => { window.__axeRun = axe.run(c, o); }", [AXE_CONTEXT, AXE_OPTIONS]
        )
    problems = []
    for scheme, page in scheme_pages.items():
        for violation in page.evaluate("() => window.__axeRun.then(r => r.violations)"):
            serious = violation["impact"] in ("serious", "critical")
            if serious or (name, violation["id"]) not in KNOWN_MINOR:
                problems.append(f"{scheme}: {describe(violation)}")
        problems += [f"{scheme}: {failure}" for failure in code_contrast_failures(page)]
    # WCAG 1.4.10: at 200 % zoom, and on a 360 px phone, nothing makes the page scroll sideways.
    for width in (ZOOMED["width"], PHONE_WIDTH):
        zoomed.set_viewport_size({"width": width, "height": ZOOMED["height"]})
        scroll_width = zoomed.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            problems.append(f"{width} px wide viewport: the page is {scroll_width} px wide")
    assert problems == [], f"{language} {name} ({url}):\n" + "\n".join(problems)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_focus_ring_and_field_borders_stand_out_from_the_page(live_site, scheme_pages, scheme):
    """WCAG 1.4.11: a focus ring and a text field's edge need 3:1 against what surrounds them."""
    page = scheme_pages[scheme]
    page.goto(f"{live_site.url}/en/labs/hashring/")
    colours = page.evaluate(
        """() => { const s = getComputedStyle(document.documentElement); const v = n => s.getPropertyValue(n).trim();
        const probe = document.createElement('div'); document.body.append(probe);
        const resolve = value => { probe.style.color = value; return getComputedStyle(probe).color; };
        const out = {}; for (const n of ['--focus', '--control-border', '--bg', '--bg-raised', '--bg-sunken']) out[n] = resolve(v(n));
        probe.remove(); return out; }"""
    )
    for foreground in ("--focus", "--control-border"):
        for background in ("--bg", "--bg-raised", "--bg-sunken"):
            ratio = contrast(colours[foreground], colours[background])
            assert ratio >= 3, f"{scheme}: {foreground} on {background} is only {ratio:.2f}:1"
    field = page.locator("#id_nodes")
    assert (
        contrast(field.evaluate("e => getComputedStyle(e).borderTopColor"), colours["--bg-raised"])
        >= 3
    )


# ----------------------------------------------------------------------------------------
# Highlighted code: the generated stylesheet itself


def code_background(scheme_block: str) -> str:
    return re.search(r"--code-bg:\s*(#[0-9a-fA-F]{3,6})", scheme_block).group(1).lower()


def test_every_code_colour_reads_on_the_code_background_in_both_themes():
    site_css = (ROOT / "static/css/site.css").read_text(encoding="utf-8")
    light_block = site_css.split(":root {", 1)[1].split("}", 1)[0]
    dark_block = site_css.split(':root[data-theme="dark"] {', 1)[1].split("}", 1)[0]
    # The command checks colours against copies of --code-bg: they must still match the stylesheet.
    assert code_background(light_block) == pygments_css.LIGHT_CODE_BACKGROUND
    assert code_background(dark_block) == pygments_css.DARK_CODE_BACKGROUND
    generated = pygments_css.stylesheet()
    assert (ROOT / "static/css/pygments.css").read_text(encoding="utf-8") == generated, (
        "static/css/pygments.css is stale: run `manage.py pygments_css`"
    )
    light, dark = generated.split(':root[data-theme="dark"]', 1)
    for rules, background in (
        (light, pygments_css.LIGHT_CODE_BACKGROUND),
        (dark, pygments_css.DARK_CODE_BACKGROUND),
    ):
        for color in re.findall(r"color: (#[0-9a-f]{6})", rules):
            assert pygments_css.contrast_ratio(color, background) >= 4.5, (color, background)


def test_a_colour_too_faint_for_code_is_darkened_until_it_reads():
    faint = "#60a0b0"  # Pygments 'friendly' comments: 2.7:1 on the light code background
    fixed = pygments_css.readable(faint, pygments_css.LIGHT_CODE_BACKGROUND)
    assert pygments_css.contrast_ratio(fixed, pygments_css.LIGHT_CODE_BACKGROUND) >= 4.5
    assert pygments_css.relative_luminance(fixed) < pygments_css.relative_luminance(faint)
    assert pygments_css.readable("#000000", "#ffffff") == "#000000"  # already fine: unchanged


# ----------------------------------------------------------------------------------------
# Keyboard


TABBABLE_JS = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')]
  .filter(e => e.tabIndex >= 0 && !e.disabled && !e.closest('[inert]') && e.checkVisibility({visibilityProperty: true}))
  .map(e => { e.dataset.a11yOrder = ''; return e; }).length"""

FOCUS_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const all = [...document.querySelectorAll('[data-a11y-order]')];
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + Math.min(r.height / 2, 12), 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  const header = document.querySelector('.site-header');
  return {
    index: all.indexOf(e),
    label: (e.getAttribute('aria-label') || e.innerText || e.id || e.name || e.tagName).trim().slice(0, 40),
    position: [...document.querySelectorAll('*')].indexOf(e),
    outline: s.outlineStyle !== 'none' ? parseFloat(s.outlineWidth) : 0,
    outlineColor: s.outlineColor,
    shadow: s.boxShadow !== 'none',
    inHeader: header.contains(e),
    underHeader: !!hit && header.contains(hit) && r.height < innerHeight,
    background: getComputedStyle(document.body).backgroundColor,
  };
}"""


@pytest.mark.parametrize("name", KEYBOARD_LABS)
def test_the_keyboard_reaches_every_control_of_a_lab_in_order_with_a_visible_ring(
    live_site, new_page, name
):
    """At 200 % zoom: Tab visits every control once, in document order, each with a focus ring
    of 2 px or more that stands out from the page, and none hidden under the sticky header."""
    page = new_page(viewport=ZOOMED)
    page.goto(page_url(live_site.url, "en", name))
    expected = page.evaluate(TABBABLE_JS)
    reached, problems = set(), []
    last_position = -1
    for _ in range(expected + 20):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_JS)
        if stop is None:  # past the last control
            break
        if stop["index"] < 0:  # a box Chromium itself makes focusable because it scrolls
            continue
        label = stop["label"]
        if stop["position"] <= last_position:
            problems.append(f"{label!r} is reached out of document order")
        last_position = stop["position"]
        reached.add(stop["index"])
        if stop["outline"] < 2 and not stop["shadow"]:
            problems.append(f"{label!r} shows no focus ring")
        elif stop["outline"] and contrast(stop["outlineColor"], stop["background"]) < 3:
            problems.append(f"{label!r}: the focus ring is too faint")
        if stop["underHeader"] and not stop["inHeader"]:
            problems.append(f"{label!r} is focused under the sticky header")
    missed = expected - len(reached)
    assert problems == [] and missed == 0, f"{name}: {missed} controls never reached; {problems}"


def test_a_lab_keeps_keyboard_focus_where_it_was_after_an_htmx_swap(live_site, new_page):
    page = new_page()
    page.goto(page_url(live_site.url, "en", "lab-hashring") + "?nodes=6&vnodes=20&keys=5000")
    page.locator("#hashring-run-button").focus()
    with page.expect_response(lambda response: "/labs/hashring/" in response.url):
        page.keyboard.press("Enter")
    # A function, not an expression string: the page's CSP forbids the eval() a string needs.
    page.wait_for_function("() => document.activeElement?.id === 'hashring-run-button'")
    # A link has no id for htmx to find again: focus lands on the swapped region, not <body>,
    # so the next Tab continues inside the lab.
    page.locator("table.hashring-compare a").nth(2).focus()
    with page.expect_response(lambda response: "algorithm=" in response.url):
        page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement?.id === 'lab'")
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('lab').contains(document.activeElement)")


def test_the_theme_switch_is_a_toggle_button_that_reports_its_state(live_site, new_page):
    page = new_page(color_scheme="light")
    page.goto(f"{live_site.url}/en/")
    toggle = page.get_by_role("button", name="Dark theme")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.focus()
    page.keyboard.press("Space")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.locator("html").get_attribute("data-theme") == "dark"


# ----------------------------------------------------------------------------------------
# Motion


MOVING_JS = """() => [...document.querySelectorAll('*')].filter(e => {
  const s = getComputedStyle(e);
  return s.animationName !== 'none' || s.transitionDuration.split(',').some(d => parseFloat(d) > 0);
}).map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\\s+/g, '.') : ''))"""


def test_reduced_motion_stops_every_transition_and_animation(live_site, new_page):
    page = new_page()
    url = page_url(live_site.url, "en", "lab-hashring")
    page.goto(url)
    assert page.evaluate(MOVING_JS), "expected the busy indicator to fade in without the setting"
    page.emulate_media(reduced_motion="reduce")
    for name in ("lab-hashring", "article"):
        page.goto(page_url(live_site.url, "en", name))
        assert page.evaluate(MOVING_JS) == [], name
        assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
