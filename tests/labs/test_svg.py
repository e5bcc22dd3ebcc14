import math
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labs import svg

NS = "{http://www.w3.org/2000/svg}"
NASTY = 'Keys <per> node & "friends"'


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)  # well-formed XML, or this raises
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox"))
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return root


def assert_house_rules(markup: str) -> None:
    assert "style=" not in markup
    assert "<script" not in markup
    # Colours only through classes and currentColor, never literal colours.
    assert not re.search(r'(fill|stroke)="(?!currentColor|none)', markup)
    # Coordinates are rounded to at most one decimal.
    assert not re.search(r'\b(?:x|y|cx|cy|width|height)="-?\d+\.\d{2,}"', markup)


def all_charts() -> dict[str, str]:
    return {
        "bar": svg.bar_chart(
            title=NASTY,
            desc=NASTY,
            labels=["a<b", "c&d", "e"],
            values=[3, 5.55, 0],
            x_label="x <label>",
            y_label="y & label",
            reference=2.85,
            reference_label="mean <2.85>",
            highlight={1},
        ),
        "histogram": svg.histogram(
            title=NASTY,
            desc="d",
            counts=[5, 9, 7, 12],
            low=0,
            high=1,
            x_label="value",
            y_label="count",
            expected=8,
            expected_label="expected 8",
        ),
        "line": svg.line_chart(
            title=NASTY,
            desc="d",
            series=[
                svg.Series("measured", [(1, 90.0), (10, 29.5), (100, 9.1), (1000, 3.2)]),
                svg.Series("theory", [(1, 90.4), (1000, 3.0)], dashed=True, markers=False),
            ],
            x_label="vnodes",
            y_label="spread (%)",
            log_x=True,
            y_min=0,
            y_format=svg.format_percent,
        ),
        "scatter": svg.scatter(
            title=NASTY,
            desc="d",
            points=[(0.1, 0.2), (0.5, 0.5), (0.99, 0.01)],
            x_label="x(n)",
            y_label="x(n+1)",
            x_range=(0, 1),
            y_range=(0, 1),
        ),
        "bitmap": svg.bitmap(
            title=NASTY, desc="d", rows=[[1, 1, 0, 1], [0, 0, 0, 0], [1, 1, 1, 1]]
        ),
        "ring": svg.ring_chart(
            title=NASTY,
            desc="d",
            ticks=[
                svg.RingTick(10, "series-0", "a #0"),
                svg.RingTick(200, "series-1", "b #0", emphasis=True),
                svg.RingTick(300, "series-2 removed", "c #0", emphasis=True, owns_arc=False),
            ],
            dots=[
                svg.RingDot(100, "series-1", "k1 <moved>", moved=True),
                svg.RingDot(5, "series-0"),
            ],
            legend=[
                svg.LegendEntry("a", "series-0"),
                svg.LegendEntry("moved", "moved", shape="ring"),
            ],
            center_label="1 / 2 moved",
            note="colours repeat",
        ),
    }


@pytest.mark.parametrize("kind", ["bar", "histogram", "line", "scatter", "bitmap", "ring"])
def test_every_chart_is_accessible_scalable_and_csp_safe(kind):
    markup = all_charts()[kind]
    root = parse(markup)
    assert_house_rules(markup)
    assert f"chart-{kind}" in root.get("class").split()
    assert root.find(f"{NS}title").text == NASTY


def test_text_is_xml_escaped():
    markup = all_charts()["bar"]
    assert "&lt;per&gt;" in markup and "&amp;" in markup
    assert "a&lt;b" in markup and "mean &lt;2.85&gt;" in markup
    assert "<per>" not in markup


def test_tooltips_use_full_width_punctuation_after_chinese_labels():
    markup = svg.bar_chart(
        title="t", desc="d", labels=["哈希环", "ring"], values=[1, 2], x_label="", y_label=""
    )
    assert "<title>哈希环：1</title>" in markup
    assert "<title>ring: 2</title>" in markup


def test_axis_labels_are_present_on_cartesian_charts():
    for kind in ("bar", "histogram", "line", "scatter"):
        root = parse(all_charts()[kind])
        labels = [t for t in root.iter(f"{NS}text") if t.get("class") == "axis-label"]
        assert len(labels) == 2, kind


def test_series_and_reference_classes_are_used():
    charts = all_charts()
    assert 'class="mean-line"' in charts["bar"] and 'class="highlight"' in charts["bar"]
    assert 'class="series-0"' in charts["line"] and 'class="series-1"' in charts["line"]
    assert 'stroke-dasharray="6 4"' in charts["line"]
    assert 'class="grid"' in charts["line"] and 'class="axis"' in charts["line"]
    assert '<circle class="moved"' in charts["ring"]
    assert 'class="series-2 removed highlight"' in charts["ring"]


def test_log_axis_puts_decades_as_ticks():
    root = parse(all_charts()["line"])
    ticks = [
        t.text
        for g in root.iter(f"{NS}g")
        if g.get("class") == "tick-label" and g.get("text-anchor") == "middle"
        for t in g.iter(f"{NS}text")
    ]
    assert ticks == ["1", "10", "100", "1000"]


def test_bar_chart_thins_labels_when_there_are_many_bars():
    labels = [f"node-{i}" for i in range(100)]
    markup = svg.bar_chart(
        title="t", desc="d", labels=labels, values=[1] * 100, x_label="x", y_label="y"
    )
    root = parse(markup)
    assert len(list(root.iter(f"{NS}rect"))) == 100
    written = [t.text for t in root.iter(f"{NS}text") if t.text and t.text.startswith("node-")]
    assert 5 <= len(written) < 30
    assert "node-0" in written


def test_bitmap_draws_one_stroke_per_run_of_ones():
    markup = all_charts()["bitmap"]
    path = re.search(r'<path class="series-0" d="([^"]+)"', markup).group(1)
    assert path.count("M") == 3  # "11.1", nothing, "1111"


def test_ring_with_a_single_point_paints_the_whole_circle():
    markup = svg.ring_chart(title="t", desc="d", ticks=[svg.RingTick(90, "series-0")])
    arc = re.search(r'<path class="series-0" d="([^"]+)" fill="none"', markup).group(1)
    assert arc.count("A") >= 2  # a full circle needs at least two arc commands


def test_scatter_points_are_compact_path_segments():
    points = [(i / 1000, (i * 7 % 1000) / 1000) for i in range(1000)]
    markup = svg.scatter(
        title="t", desc="d", points=points, x_label="x", y_label="y", x_range=(0, 1), y_range=(0, 1)
    )
    assert len(markup) < 25_000
    assert markup.count("h2") == 1000


def test_same_input_gives_the_same_markup_and_ids_can_be_chosen():
    assert all_charts() == all_charts()
    markup = svg.bitmap(title="t", desc="d", rows=[[1]], chart_id="rng-bits")
    assert 'id="rng-bits-title"' in markup
    parse(svg.bitmap(title="t", desc="d", rows=[[1]], chart_id='x"><script>'))


@pytest.mark.parametrize(
    "call",
    [
        lambda: svg.bar_chart(title="t", desc="d", labels=["a"], values=[], x_label="", y_label=""),
        lambda: svg.bar_chart(
            title="t", desc="d", labels=["a"], values=[math.nan], x_label="", y_label=""
        ),
        lambda: svg.histogram(
            title="t", desc="d", counts=[1], low=1, high=1, x_label="", y_label=""
        ),
        lambda: svg.line_chart(title="t", desc="d", series=[], x_label="", y_label=""),
        lambda: svg.line_chart(
            title="t",
            desc="d",
            series=[svg.Series("s", [(0, 1)])],
            x_label="",
            y_label="",
            log_x=True,
        ),
        lambda: svg.bitmap(title="t", desc="d", rows=[[1, 0], [1]]),
        lambda: svg.ring_chart(title="t", desc="d", ticks=[svg.RingTick(math.inf, "series-0")]),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


@given(
    low=st.floats(-1e6, 1e6, allow_nan=False),
    span=st.floats(1e-3, 1e6, allow_nan=False),
)
def test_nice_ticks_cover_the_range_in_equal_steps(low, span):
    high = low + span
    ticks = svg.nice_ticks(low, high)
    assert ticks[0] <= low + 1e-9 * max(1, abs(low))
    assert ticks[-1] >= high - 1e-9 * max(1, abs(high))
    steps = {round(b - a, 6) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(ticks) <= 12
    assert len(steps) <= 2  # equal up to floating-point rounding


def test_number_formats_are_short():
    assert svg.format_number(25_000) == "25k"
    assert svg.format_number(2_500_000) == "2.5M"
    assert svg.format_number(1500) == "1500"
    assert svg.format_number(0.25) == "0.25"
    assert svg.format_percent(7.5) == "7.5%"


def test_series_classes_cycle_through_twelve_colours():
    assert svg.series_class(0) == "series-0"
    assert svg.series_class(11) == "series-11"
    assert svg.series_class(12) == "series-0"


# --- projection_scatter (the RNG lab's 3-D views) ------------------------------------------

RANDU_NORMAL = (9, -6, 1)


def test_projection_scatter_is_accessible_and_csp_safe():
    markup = svg.projection_scatter(
        title=NASTY,
        desc=NASTY,
        points=[(0.1, 0.2, 0.3), (0.9, 0.5, 0.0)],
        horizontal=RANDU_NORMAL,
        vertical=(2, 3, 0),
        guides=[(0.5, "k<1>")],
    )
    root = parse(markup)
    assert_house_rules(markup)
    assert "k&lt;1&gt;" in markup
    assert [t.text for t in root.iter(f"{NS}text") if "axis-label" in (t.get("class") or "")] == [
        "x",
        "y",
        "z",
    ]


def test_points_on_one_plane_seen_edge_on_share_one_screen_column():
    # Every point with 9x - 6y + z = 1 lands at the same horizontal position when the view's
    # horizontal axis is the plane's normal.
    points = [(x, y, 1 - 9 * x + 6 * y) for x, y in ((0.1, 0.05), (0.12, 0.1), (0.15, 0.2))]
    markup = svg.projection_scatter(
        title="t", desc="d", points=points, horizontal=RANDU_NORMAL, vertical=(2, 3, 0)
    )
    point_path = [p for p in parse(markup).iter(f"{NS}path") if p.get("class") == "series-0"][0]
    starts = re.findall(r"M(-?[\d.]+) (-?[\d.]+)h", point_path.get("d"))
    assert len(starts) == 3
    assert len({x for x, _ in starts}) == 1
    assert len({y for _, y in starts}) == 3


@pytest.mark.parametrize(
    "kwargs",
    [
        {"horizontal": (1, 0, 0), "vertical": (1, 1, 0)},  # not perpendicular
        {"horizontal": (0, 0, 0), "vertical": (0, 1, 0)},
        {"horizontal": (1, 0), "vertical": (0, 1, 0)},
        {"horizontal": (1, 0, 0), "vertical": (0, 1, 0), "points": [(math.nan, 0, 0)]},
    ],
)
def test_projection_scatter_rejects_bad_views_and_points(kwargs):
    arguments = {"title": "t", "desc": "d", "points": [(0.5, 0.5, 0.5)], **kwargs}
    with pytest.raises(ValueError):
        svg.projection_scatter(**arguments)


def binding_diagram_example() -> str:
    return svg.binding_diagram(
        title=NASTY,
        desc="names and objects",
        names=[
            svg.DiagramNode("greet", "stale"),
            svg.DiagramNode("demo.greet"),
            svg.DiagramNode("alias <&>"),
        ],
        objects=[
            svg.DiagramNode("function demo.greet (run 1, v1)", "stale"),
            svg.DiagramNode("function demo.greet (run 2, v2)", detail="<function greet>"),
        ],
        edges=[
            svg.DiagramEdge(0, 0, "stale", dashed=True, detail="greet → old"),
            svg.DiagramEdge(1, 1),
            svg.DiagramEdge(2, 1),
        ],
        legend=[svg.LegendEntry("stale", "edge stale", dashed=True)],
        note="…and 3 more names",
    )


def test_binding_diagram_is_accessible_scalable_and_csp_safe():
    markup = binding_diagram_example()
    root = parse(markup)
    assert_house_rules(markup)
    assert "chart-bindings" in root.get("class").split()
    assert root.find(f"{NS}title").text == NASTY
    assert "alias &lt;&amp;&gt;" in markup


def test_binding_diagram_draws_one_arrow_per_name_and_marks_stale_ones():
    root = parse(binding_diagram_example())
    groups = {g.get("class"): g for g in root.iter(f"{NS}g")}
    edges = list(groups["edges"])
    assert len(edges) == 3
    stale = [g for g in edges if "stale" in g.get("class").split()]
    assert len(stale) == 1
    assert stale[0].find(f"{NS}path").get("stroke-dasharray")
    assert stale[0].find(f"{NS}title").text == "greet → old"
    assert "object stale" in groups
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "function demo.greet (run 1, v1)" in texts
    assert "function demo.greet (run 2, v2)" in texts
    assert "…and 3 more names" in texts


def test_binding_diagram_two_names_for_one_object_end_at_the_same_box():
    root = parse(binding_diagram_example())
    edges = next(list(g) for g in root.iter(f"{NS}g") if g.get("class") == "edges")
    ends = [re.findall(r"[\d.]+", e.findall(f"{NS}path")[1].get("d"))[:2] for e in edges]
    assert ends[1] == ends[2] != ends[0]


def test_binding_diagram_cuts_long_labels_and_keeps_them_in_a_tooltip():
    long_label = "instance of class " + "x" * 80
    markup = svg.binding_diagram(
        title="t",
        desc="d",
        names=[svg.DiagramNode("obj")],
        objects=[svg.DiagramNode(long_label)],
        edges=[svg.DiagramEdge(0, 0)],
        max_label=30,
    )
    root = parse(markup)
    shown = [t.text for t in root.iter(f"{NS}text")]
    assert any(text.endswith("…") and len(text) == 30 for text in shown)
    assert long_label in [t.text for t in root.iter(f"{NS}title")]


@pytest.mark.parametrize(
    "edges",
    [[svg.DiagramEdge(1, 0)], [svg.DiagramEdge(0, 1)], [svg.DiagramEdge(-1, 0)]],
)
def test_binding_diagram_refuses_arrows_to_nowhere(edges):
    with pytest.raises(ValueError):
        svg.binding_diagram(
            title="t",
            desc="d",
            names=[svg.DiagramNode("a")],
            objects=[svg.DiagramNode("b")],
            edges=edges,
        )
