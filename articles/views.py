from django.db.models import Max
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from articles import search
from articles.models import Article
from kbsite.caching import cacheable_page, private_no_store
from kbsite.topics import topic_links


def _article_or_404(request, slug) -> Article:
    article = (
        Article.objects.select_related("topic").filter(slug=slug, language=get_language()).first()
    )
    if article is None or not (article.is_published or request.user.is_staff):
        raise Http404("no such article")
    return article


def _index_changed(request):
    articles = Article.objects.published().in_language(get_language())
    return articles.aggregate(newest=Max("updated_at"))["newest"]


def _article_changed(request, slug):
    article = Article.objects.filter(slug=slug, language=get_language()).first()
    if article is None or not article.is_published:
        return None  # a draft (staff preview) or a 404 is never validated nor cached
    return article.updated_at


@require_safe
@cacheable_page(_index_changed)
def index(request):
    articles = Article.objects.published().in_language(get_language()).for_listing()
    return render(request, "articles/index.html", {"articles": articles, "nav": "articles"})


@require_safe
@cacheable_page(_article_changed)
def detail(request, slug):
    article = _article_or_404(request, slug)
    neighbours = list(
        Article.objects.published()
        .in_language(article.language)
        .for_listing()
        .order_by("topic__order")
    )
    ids = [a.pk for a in neighbours]
    position = ids.index(article.pk) if article.pk in ids else None
    context = {
        "article": article,
        "links": topic_links(article.topic, article.language),
        "previous": neighbours[position - 1] if position else None,
        "next": neighbours[position + 1]
        if position is not None and position + 1 < len(ids)
        else None,
        "is_preview": not article.is_published,
        "nav": "articles",
    }
    response = render(request, "articles/detail.html", context)
    return private_no_store(response) if context["is_preview"] else response


@require_safe
def search_view(request):
    query = search.parse_query(request.GET.get("q", ""))
    hits = search.search(query)
    template = "articles/partials/search_results.html" if request.htmx else "articles/search.html"
    response = render(
        request,
        template,
        {"query": query, "hits": hits, "nav": "search", "raw_query": "q" in request.GET},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response
