from django.urls import path

from labs.rng import views

urlpatterns = [
    path("", views.index, name="index"),
    path("battery/", views.battery, name="battery"),
    path("predict/", views.round_start, name="round_start"),
    path("predict/reveal/", views.round_reveal, name="round_reveal"),
    path("mt-clone/", views.mt_clone, name="mt_clone"),
    path("time-seed/", views.time_seed, name="time_seed"),
]
