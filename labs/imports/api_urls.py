from django.urls import path

from labs.imports import views

urlpatterns = [
    path("run/", views.api_run, name="run"),
    path("scenarios/", views.api_scenarios, name="scenarios"),
]
