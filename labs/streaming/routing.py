"""Channels routes of the streaming lab (gathered by kbsite/routing.py).

WebSocket routes sit behind kbsite.asgi's AllowedHostsOriginValidator, which refuses foreign,
``null`` and missing origins during the handshake.
"""

from django.urls import path

from labs.streaming.consumers import (
    BroadcastEventsConsumer,
    CountedEventsConsumer,
    EchoConsumer,
    RoomConsumer,
)
from labs.streaming.endpoints import (
    BROADCAST_SSE_PATH,
    ECHO_WS_PATH,
    EVENTS_PATH,
    ROOM_WS_PREFIX,
    route,
)
from labs.streaming.slots import max_streams_per_client

# A bad KB_SSE_MAX_PER_CLIENT stops start-up (ImproperlyConfigured), not the first stream.
max_streams_per_client()

websocket_urlpatterns = [
    path(route(ECHO_WS_PATH), EchoConsumer.as_asgi()),
    # Any segment reaches the consumer, which refuses names outside ROOM_NAME_RE with a 403
    # handshake rather than leaving the router to fail on an unknown path.
    path(route(ROOM_WS_PREFIX) + "<str:room>/", RoomConsumer.as_asgi()),
]

sse_urlpatterns = [
    path(route(EVENTS_PATH), CountedEventsConsumer.as_asgi()),
    path(route(BROADCAST_SSE_PATH), BroadcastEventsConsumer.as_asgi()),
]
