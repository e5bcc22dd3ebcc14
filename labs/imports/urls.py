from django.urls import path

from labs.imports import views

urlpatterns = [
    path("", views.index, name="index"),
    path("steps/", views.steps, name="steps"),
]
