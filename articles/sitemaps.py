from django.contrib.sitemaps import Sitemap

from articles.models import Article


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Article.objects.published().only("slug", "language", "updated_at")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"articles": ArticleSitemap}
