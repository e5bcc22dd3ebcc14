"""URLs: pages under a language prefix, the JSON API, the admin and the health check unprefixed."""

from importlib.util import find_spec

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import SITEMAPS
from kbsite import accounts, views
from labs.catalog import LABS

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
# Each lab's JSON API (stateless, no language prefix): labs/<slug>/api_urls.py.
urlpatterns += [
    path(f"api/labs/{lab.slug}/", include((f"labs.{lab.slug}.api_urls", f"{lab.slug}_api")))
    for lab in LABS
    if find_spec(f"labs.{lab.slug}.api_urls") is not None
]
if find_spec("quizzes.api_urls") is not None:
    urlpatterns.append(path("api/quizzes/", include("quizzes.api_urls")))

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("articles/", include("articles.urls")),
    path("search/", include(("articles.search_urls", "search"))),
    path("labs/", include("labs.urls")),
    path("", include("quizzes.urls")),
    path("accounts/", include((accounts.urlpatterns, accounts.app_name))),
    prefix_default_language=True,
)
