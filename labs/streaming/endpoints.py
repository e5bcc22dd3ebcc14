"""Paths of the lab's Channels endpoints (outside Django's URLconf, so not reversible).

routing.py routes them; the page, the wire view and the docs link to them.
"""

EVENTS_PATH = "/sse/labs/streaming/events/"
BROADCAST_SSE_PATH = "/sse/labs/streaming/broadcast/"
ECHO_WS_PATH = "/ws/labs/streaming/echo/"
ROOM_WS_PREFIX = "/ws/labs/streaming/room/"


def route(path: str) -> str:
    """Channels' URLRouter matches paths without the leading slash."""
    return path.removeprefix("/")
