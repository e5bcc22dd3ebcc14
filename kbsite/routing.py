"""Channels routes gathered from each lab's routing.py (`websocket_urlpatterns`, `sse_urlpatterns`).

SSE consumers are HTTP consumers under /sse/; WebSocket consumers live under /ws/. A site-wide
echo socket at /ws/ping/ lets the foundation test the origin check before any lab exists.
"""

from importlib import import_module
from importlib.util import find_spec

from django.urls import path

from kbsite.consumers import PingConsumer
from labs.catalog import LABS

websocket_urlpatterns = [path("ws/ping/", PingConsumer.as_asgi())]
sse_urlpatterns = []

for _lab in LABS:
    if find_spec(f"labs.{_lab.slug}.routing") is not None:
        _module = import_module(f"labs.{_lab.slug}.routing")
        websocket_urlpatterns += getattr(_module, "websocket_urlpatterns", [])
        sse_urlpatterns += getattr(_module, "sse_urlpatterns", [])
