import pytest

from articles.models import Article


def test_a_published_article_page_shows_body_toc_and_links(client, make_article):
    make_article()
    make_article(language="en", title="Consistent hashing", body="## Ring {#ring}\n\ntext")
    html = client.get("/zh-hans/articles/hashing/").content.decode()
    assert "一致性哈希" in html
    assert 'class="prose" hx-disable' in html
    assert 'href="#ring"' in html  # table of contents
    assert (
        'hreflang="en" href="/en/articles/hashing/"' in html
        or 'href="/en/articles/hashing/"' in html
    )
    assert "/zh-hans/labs/hashring/" in html  # the paired lab


def test_drafts_are_404_to_the_public_and_previewable_by_staff(client, admin_client, make_article):
    make_article(status=Article.Status.DRAFT)
    assert client.get("/zh-hans/articles/hashing/").status_code == 404
    response = admin_client.get("/zh-hans/articles/hashing/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Draft preview" in response.content.decode() or "草稿" in response.content.decode()


def test_an_article_in_the_other_language_only_is_404(client, make_article):
    make_article(language="en")
    assert client.get("/zh-hans/articles/hashing/").status_code == 404


def test_anonymous_article_pages_are_cacheable_by_a_shared_proxy(client, make_article):
    make_article()
    response = client.get("/zh-hans/articles/hashing/")
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "s-maxage" in cache_control
    assert response["ETag"] and response["Last-Modified"]
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_a_conditional_request_gets_304_not_modified(client, make_article):
    make_article()
    first = client.get("/zh-hans/articles/hashing/")
    again = client.get("/zh-hans/articles/hashing/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    since = client.get("/zh-hans/articles/hashing/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_editing_the_article_changes_the_etag(client, make_article):
    article = make_article()
    first = client.get("/zh-hans/articles/hashing/")["ETag"]
    article.body += "\n\nnew paragraph"
    article.save()
    response = client.get("/zh-hans/articles/hashing/", HTTP_IF_NONE_MATCH=first)
    assert response.status_code == 200


def test_logged_in_readers_get_private_responses(admin_client, make_article):
    make_article()
    response = admin_client.get("/zh-hans/articles/hashing/")
    assert "private" in response["Cache-Control"]


def test_the_article_index_lists_only_published_articles_of_the_language(client, make_article):
    make_article(title="已发布")
    make_article(language="en", title="English one")
    html = client.get("/zh-hans/articles/").content.decode()
    assert "已发布" in html and "English one" not in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_atom_feed_lists_published_articles(client, make_article, language):
    make_article(language=language, title=f"title-{language}")
    response = client.get(f"/{language}/articles/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert f"title-{language}" in response.content.decode()


def test_the_sitemap_lists_published_articles_in_both_languages(client, make_article):
    make_article()
    make_article(language="en")
    make_article(slug="draft-one", status=Article.Status.DRAFT)
    xml = client.get("/sitemap.xml").content.decode()
    assert "/zh-hans/articles/hashing/" in xml and "/en/articles/hashing/" in xml
    assert "draft-one" not in xml
