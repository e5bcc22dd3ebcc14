from django.urls import path, re_path

from . import views
from .engine import LIVE

app_name = "hashring"

urlpatterns = [
    path("", views.index, name="index"),
    path("live/", views.live_join, name="live_join"),
    re_path(rf"^live/(?P<room>{LIVE.room_name_pattern})/$", views.live_room, name="live"),
    re_path(
        rf"^live/(?P<room>{LIVE.room_name_pattern})/change/$",
        views.live_change,
        name="live_change",
    ),
]
