from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from articles.models import Article

MAX_QUERY = 200


@require_GET
def search_view(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    results = []
    if query:
        results = (
            Article.objects.published()
            .filter(Q(title__icontains=query) | Q(body__icontains=query))
            .for_listing()[:50]
        )
    return render(
        request,
        "articles/search.html",
        {"query": query, "results": results, "language": get_language(), "nav": "search"},
    )
