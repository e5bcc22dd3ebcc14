"""The lab's HTTP API under /api/labs/streaming/ (documented in docs/api/streaming.md).

The SSE and WebSocket endpoints live under /sse/ and /ws/ (routing.py).
"""

from django.urls import path

from labs.streaming import views

app_name = "streaming_api"

urlpatterns = [
    path("chunked/", views.chunked, name="chunked"),
    # Deliberately broken: shows the double framing an app gets when it frames chunks itself.
    path("chunked-wrong/", views.chunked_wrong, name="chunked-wrong"),
    path("wire/", views.wire, name="wire"),
    path("files/<str:name>", views.sample, name="file"),
    path("broadcast/", views.publish, name="broadcast"),
    path("events/drop/", views.drop, name="drop"),
]
