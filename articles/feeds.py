from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext

from articles.models import Article


class ArticleFeed(Feed):
    """Atom feed of the published articles in the reader's language."""

    feed_type = Atom1Feed

    def title(self):
        return gettext("kbsite articles")

    def link(self):
        return reverse("articles:index")

    def subtitle(self):
        return gettext("Backend and interview topics, each with a lab and a quiz.")

    def items(self):
        return (
            Article.objects.published().in_language(get_language()).order_by("-published_at")[:50]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
