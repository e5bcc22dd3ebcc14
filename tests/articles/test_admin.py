from articles.models import Article


def test_only_staff_reach_the_admin(client, django_user_model):
    django_user_model.objects.create_user("reader", password="pw-12345-long")
    client.login(username="reader", password="pw-12345-long")
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_live_preview_renders_with_the_same_pipeline_and_sanitiser(admin_client):
    response = admin_client.post(
        "/admin/articles/article/preview/",
        {"body": "## 标题 {#t}\n\n<script>alert(1)</script>**粗**"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="t">' in html and "<strong>粗</strong>" in html
    assert "<script" not in html


def test_the_preview_refuses_anonymous_users(client):
    response = client.post("/admin/articles/article/preview/", {"body": "x"})
    assert response.status_code == 302


def test_the_preview_refuses_absurdly_long_text(admin_client):
    response = admin_client.post("/admin/articles/article/preview/", {"body": "x" * 300_000})
    assert response.status_code == 413


def test_the_change_form_wires_the_editor_to_the_preview(admin_client, make_article):
    article = make_article()
    html = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'hx-post="/admin/articles/article/preview/"' in html
    assert 'id="markdown-preview"' in html
    assert f"/admin/articles/article/{article.pk}/revisions/" in html


def test_saving_in_the_admin_records_the_author(admin_client, make_article, admin_user):
    article = make_article()
    data = {
        "topic": article.topic_id, "language": "zh-hans", "slug": "hashing", "title": "改过的标题",
        "summary": "摘要", "status": "published", "body": "新的正文",
        "published_at_0": "2026-01-01", "published_at_1": "00:00:00",
    }  # fmt: skip
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = article.revisions.first()
    assert latest.title == "改过的标题" and latest.author == admin_user


def test_the_revision_page_shows_a_readable_diff(admin_client, make_article):
    article = make_article(body="第一行\n第二行\n")
    article.body = "第一行\n改写的第二行\n"
    article.save()
    old = article.revisions.last()
    html = admin_client.get(
        f"/admin/articles/article/{article.pk}/revisions/?revision={old.pk}"
    ).content.decode()
    assert '<span class="diff-removed">-第二行</span>' in html
    assert '<span class="diff-added">+改写的第二行</span>' in html


def test_restoring_a_revision_brings_back_its_text_and_writes_a_revision(
    admin_client, make_article
):
    article = make_article(body="original")
    article.body = "rewritten"
    article.save()
    first = article.revisions.last()
    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/revisions/{first.pk}/restore/"
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "original"
    assert article.revisions.count() == 3
    assert article.revisions.first().note == f"restored revision {first.pk}"


def test_restore_needs_a_post(admin_client, make_article):
    article = make_article()
    revision = article.revisions.first()
    response = admin_client.get(
        f"/admin/articles/article/{article.pk}/revisions/{revision.pk}/restore/"
    )
    assert response.status_code == 405


def test_publish_and_unpublish_actions(admin_client, make_article):
    article = make_article(status=Article.Status.DRAFT)
    url = "/admin/articles/article/"
    admin_client.post(url, {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.is_published
    admin_client.post(url, {"action": "unpublish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_the_article_list_filters_by_topic_language_and_status(admin_client, make_article):
    make_article()
    html = admin_client.get(
        "/admin/articles/article/?language__exact=zh-hans&status__exact=published"
    ).content.decode()
    assert "一致性哈希" in html
