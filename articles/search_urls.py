from django.urls import path

from articles.views import search_view

urlpatterns = [path("", search_view, name="results")]
