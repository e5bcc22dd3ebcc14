from django.urls import path

from . import api_views

urlpatterns = [
    path("", api_views.run, name="run"),
    path("lookup/", api_views.lookup, name="lookup"),
]
