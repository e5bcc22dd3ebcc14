"""Channels routes of the RNG lab: the battery's SSE stream (kbsite/routing.py gathers them)."""

from django.urls import path

from labs.rng.consumers import BatteryConsumer
from labs.rng.panels import BATTERY_SSE_URL

sse_urlpatterns = [path(BATTERY_SSE_URL.lstrip("/"), BatteryConsumer.as_asgi())]
