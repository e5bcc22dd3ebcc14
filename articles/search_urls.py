from django.urls import path

from articles.search import search_view

urlpatterns = [path("", search_view, name="results")]
