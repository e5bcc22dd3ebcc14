import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import search
from articles.models import Article

BODY_ZH = (
    "## 哈希环 {#ring}\n\n一致性哈希把节点放到哈希环上。随机数生成器另说。`sys.modules` 是缓存。"
)
BODY_EN = (
    "## Events {#events}\n\nThe browser sends `Last-Event-ID` when it reconnects; `mmh3` is fast."
)


@pytest.fixture
def corpus(make_article):
    make_article(language="zh-hans", body=BODY_ZH)
    make_article(language="en", title="Streaming", body=BODY_EN)
    make_article(
        language="en",
        slug="draft",
        title="Secret draft",
        body="一致性 mmh3",
        status=Article.Status.DRAFT,
    )


@pytest.mark.parametrize(
    "term", ["一致性", "哈希环", "随机数", "sys.modules", "Last-Event-ID", "mmh3"]
)
def test_search_finds_chinese_substrings_and_identifiers(corpus, term):
    hits = search.search(search.parse_query(term))
    assert hits, term
    assert any(term.lower() in hit.snippet_html.lower() for hit in hits)
    assert all(hit.article.is_published for hit in hits)


def test_two_character_chinese_queries_fall_back_to_a_substring_scan(corpus):
    hits = search.search(search.parse_query("哈希"))
    assert [hit.article.language for hit in hits] == ["zh-hans"]


def test_results_highlight_the_terms_and_escape_everything_else(make_article):
    make_article(body="<b>bold</b> 哈希环 & more")
    hit = search.search(search.parse_query("哈希环"))[0]
    assert "<mark>哈希环</mark>" in hit.snippet_html
    assert "<b>" not in hit.snippet_html


def test_drafts_never_appear_in_results(corpus):
    hits = search.search(search.parse_query("Secret draft"))
    assert hits == []


def test_several_terms_must_all_match(corpus):
    assert search.search(search.parse_query("哈希环 缓存"))
    assert not search.search(search.parse_query("哈希环 Last-Event-ID"))


def test_editing_an_article_updates_the_index(make_article):
    article = make_article(body="旧内容")
    article.body = "全新的词汇 quasar"
    article.save()
    assert search.search(search.parse_query("quasar"))
    assert not search.search(search.parse_query("旧内容"))


def test_deleting_an_article_removes_it_from_the_index(make_article):
    article = make_article(body="temporary zebra")
    article.delete()
    assert not search.search(search.parse_query("zebra"))


@pytest.mark.parametrize("raw", ["", "   ", "!!! ??? ...", "（）。，"])
def test_queries_without_words_have_no_terms(raw):
    assert not search.parse_query(raw).usable


def test_huge_queries_are_cut_and_marked():
    query = search.parse_query("哈" * 10_000)
    assert query.truncated and len(query.text) == search.MAX_QUERY_CHARS


@pytest.mark.parametrize(
    "raw", ["", "!!!", "x" * 10_240, '"unbalanced', "NEAR(a b)", "a OR b", "*", "哈希 AND"]
)
def test_the_search_page_answers_200_to_empty_and_absurd_queries(client, corpus, raw):
    response = client.get("/zh-hans/search/", {"q": raw})
    assert response.status_code == 200


@given(st.text(max_size=60))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_no_query_makes_search_fail(corpus, raw):
    search.search(search.parse_query(raw))


def test_htmx_requests_get_only_the_results_fragment(client, corpus):
    response = client.get("/en/search/", {"q": "mmh3"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "<mark>mmh3</mark>" in html
    assert "HX-Request" in response["Vary"]
