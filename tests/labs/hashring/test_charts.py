import xml.etree.ElementTree as ET

import pytest

from labs.hashring import charts
from labs.hashring.engine import (
    LabParams,
    add_node,
    compare_algorithms,
    load,
    ring_picture,
    spread_vs_vnodes,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text
    assert root.find(f"{SVG}desc").text
    assert "style=" not in markup
    return root


@pytest.fixture(scope="module")
def results():
    params = LabParams(nodes=5, vnodes=6, keys=5000)
    return {
        "ring": ring_picture(params, "add"),
        "ring_removed": ring_picture(LabParams(nodes=14, vnodes=3, keys=2000), "remove", "node-2"),
        "load": load(params),
        "spread": spread_vs_vnodes(10, vnode_counts=(1, 10, 100), keys=20_000),
        "compare": compare_algorithms(LabParams(nodes=5, keys=5000), lookup_budget=0.001),
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_hashring_chart_is_an_accessible_svg(results, language):
    for markup in (
        charts.ring_svg(results["ring"], language),
        charts.ring_svg(results["ring_removed"], language),
        charts.load_svg(results["load"], language, highlight="node-2"),
        charts.spread_svg(results["spread"], language),
        charts.comparison_svg(results["compare"], language),
    ):
        parse(markup)


def test_chart_titles_follow_the_language(results):
    zh = parse(charts.load_svg(results["load"], "zh-hans"))
    en = parse(charts.load_svg(results["load"], "en"))
    assert "每个节点的键数" in zh.find(f"{SVG}title").text
    assert "Keys per node" in en.find(f"{SVG}title").text


def test_ring_chart_circles_exactly_the_moved_sample_keys(results):
    picture = results["ring"]
    markup = charts.ring_svg(picture, "en")
    assert markup.count('<circle class="moved"') == picture.moved_in_sample
    assert f"{picture.moved_in_sample} / {len(picture.keys)} moved" in markup


def test_ring_chart_notes_that_colours_repeat_beyond_twelve_nodes(results):
    assert "colours repeat" in charts.ring_svg(results["ring_removed"], "en")
    assert "colours repeat" not in charts.ring_svg(results["ring"], "en")


def test_load_chart_highlights_the_new_node():
    report = add_node(LabParams(nodes=4, keys=2000))
    markup = charts.load_svg(report.after, "en", highlight=report.node)
    assert markup.count('class="highlight"') == 1
    assert "mean 400" in markup


def test_spread_chart_draws_measured_average_and_theory(results):
    markup = charts.spread_svg(results["spread"], "en")
    assert "measured (20,000 keys)" in markup
    assert "RMS of 8 rings" in markup
    assert "theory √((n−1)/(n·v+1))" in markup


def test_unknown_language_is_refused(results):
    with pytest.raises(ValueError):
        charts.load_svg(results["load"], "fr")
