from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.markdown import ALLOWED_TAGS, render, render_inline, slugify_heading
from tests.articles.xss_corpus import PAYLOADS


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def tags_of(html: str):
    collector = TagCollector()
    collector.feed(html)
    return collector.tags


def assert_inert(html: str) -> None:
    for tag, attrs in tags_of(html):
        assert tag in ALLOWED_TAGS, f"tag <{tag}> survived: {html}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} survived: {html}"
            assert not name.startswith(("hx-", "data-")), f"{name} survived: {html}"
            assert name != "style", html
            if name in ("href", "src") and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                assert scheme in ("", "http", "https", "mailto"), f"{name}={value!r} survived"


def test_the_xss_corpus_has_at_least_sixty_payloads():
    assert len(PAYLOADS) >= 60


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_xss_payload_comes_out_inert(payload):
    assert_inert(render(payload).html)
    assert_inert(render_inline(payload))


@given(st.text(max_size=300))
@settings(max_examples=150, deadline=None)
def test_any_text_renders_to_sanitised_html(text):
    assert_inert(render(text).html)


def test_chinese_headings_get_readable_unique_anchors():
    rendered = render("## 一致性哈希环\n\ntext\n\n## 一致性哈希环\n\n### 虚拟节点 vnodes\n")
    anchors = [anchor for _, anchor, _ in rendered.headings]
    assert anchors[0] == "一致性哈希环"
    assert anchors[1] != anchors[0] and anchors[1].startswith("一致性哈希环")
    assert anchors[2] == "虚拟节点-vnodes"
    assert 'id="一致性哈希环"' in rendered.html
    assert 'href="#一致性哈希环"' in rendered.toc_html


def test_explicit_heading_ids_win_over_generated_ones():
    rendered = render("## 面试官会怎么问 {#the-question}\n")
    assert rendered.headings == ((2, "the-question", "面试官会怎么问"),)


def test_anchors_are_stable_across_renders():
    text = "## 哈希环\n\n## Jump hash\n"
    assert render(text).headings == render(text).headings


def test_slugify_keeps_cjk_and_drops_punctuation():
    assert slugify_heading("为什么 LCG 不安全？") == "为什么-lcg-不安全"
    assert slugify_heading("！！！") == "section"


def test_code_blocks_are_highlighted_with_pygments_classes():
    html = render("```python\nimport sys\nprint(sys.modules)\n```\n").html
    assert 'class="codehilite"' in html
    assert '<span class="kn">import</span>' in html


def test_tables_and_admonitions_render():
    html = render('| a | b |\n|---|---|\n| 1 | 2 |\n\n!!! warning "小心"\n    内容\n').html
    assert "<table>" in html and "<td>1</td>" in html
    assert 'class="admonition warning"' in html and "小心" in html


def test_footnotes_render_with_links_both_ways():
    html = render("Claim[^1].\n\n[^1]: Source.\n").html
    assert 'href="#fn:1"' in html and 'href="#fnref:1"' in html


def test_reading_time_counts_chinese_characters_and_english_words():
    assert render("字" * 900).reading_minutes == 3
    assert render("word " * 600).reading_minutes == 3
    assert render("短").reading_minutes == 1


def test_visible_text_drops_markup_for_search():
    text = render("## 标题 {#t}\n\n`sys.modules` 与 **粗体**\n").text
    assert text == "标题 sys.modules 与 粗体"
