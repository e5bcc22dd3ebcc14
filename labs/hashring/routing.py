from django.urls import re_path

from .consumers import LiveRingConsumer
from .engine import LIVE

websocket_urlpatterns = [
    re_path(
        rf"^ws/labs/hashring/live/(?P<room>{LIVE.room_name_pattern})/$",
        LiveRingConsumer.as_asgi(),
    ),
]
