from articles.models import Article, Revision


def test_saving_renders_and_stores_html_toc_and_text(make_article):
    article = make_article(body="## 哈希环 {#ring}\n\n`mmh3` 很快")
    assert '<h2 id="ring">' in article.body_html
    assert 'href="#ring"' in article.toc_html
    assert "mmh3 很快" in article.body_text


def test_creating_an_article_writes_the_first_revision(make_article):
    article = make_article()
    assert list(article.revisions.values_list("note", flat=True)) == ["created"]


def test_every_save_that_changes_title_or_body_writes_a_revision(make_article):
    article = make_article()
    article.summary = "only the summary"
    article.save()
    assert article.revisions.count() == 1
    article.body += "\n\nmore"
    article.save(note="edit")
    article.title = "新标题"
    article.save()
    assert article.revisions.count() == 3
    assert article.revisions.first().title == "新标题"


def test_windows_line_endings_from_the_admin_are_normalised(make_article):
    article = make_article(body="line one\r\nline two\r\n")
    assert article.body == "line one\nline two\n"


def test_drafts_are_not_published(make_article):
    draft = make_article(status=Article.Status.DRAFT)
    assert not draft.is_published
    assert draft.published_at is None
    assert not Article.objects.published().exists()


def test_publishing_sets_the_publication_time(make_article):
    article = make_article()
    assert article.published_at is not None
    assert list(Article.objects.published()) == [article]


def test_the_two_languages_share_a_slug(make_article):
    zh = make_article(language="zh-hans")
    en = make_article(language="en", title="Consistent hashing")
    assert zh.slug == en.slug
    assert zh.get_absolute_url() == "/zh-hans/articles/hashing/"
    assert en.get_absolute_url() == "/en/articles/hashing/"


def test_revisions_keep_their_text_after_the_article_changes(make_article):
    article = make_article(body="first")
    article.body = "second"
    article.save()
    assert sorted(Revision.objects.values_list("body", flat=True)) == ["first", "second"]
