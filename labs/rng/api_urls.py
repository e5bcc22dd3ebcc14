from django.urls import path

from labs.rng import views

urlpatterns = [
    path("sample/", views.api_sample, name="sample"),
    path("tests/", views.api_tests, name="tests"),
    path("predict/", views.api_predict, name="predict"),
    path("crack-seed/", views.api_crack_seed, name="crack_seed"),
]
