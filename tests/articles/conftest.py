import pytest

from articles.models import Article, Topic


@pytest.fixture
def topic(db):
    return Topic.objects.create(
        slug="hashing", order=1, name_zh_hans="哈希", name_en="Hashing", lab="hashring"
    )


@pytest.fixture
def make_article(topic):
    def make(language="zh-hans", status=Article.Status.PUBLISHED, slug="hashing", **fields):
        values = {"title": "一致性哈希", "summary": "摘要", "body": "## 哈希环 {#ring}\n\n正文"}
        values.update(fields)
        article = Article(topic=topic, language=language, slug=slug, status=status, **values)
        article.save()
        return article

    return make
