from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from articles.models import Article


@require_GET
def index(request):
    articles = Article.objects.published().in_language(get_language()).for_listing()
    return render(request, "articles/index.html", {"articles": articles, "nav": "articles"})


@require_GET
def detail(request, slug):
    article = get_object_or_404(
        Article.objects.select_related("topic"), slug=slug, language=get_language()
    )
    if not article.is_published and not request.user.is_staff:
        return render(request, "404.html", status=404)
    return render(
        request,
        "articles/detail.html",
        {"article": article, "topic_name": article.topic.name(article.language), "nav": "articles"},
    )
