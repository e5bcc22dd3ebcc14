"""Fan-out through the channel layer: one broadcast reaches every SSE and WebSocket subscriber.

With ``REDIS_URL`` set the layer is channels_redis, so a message published by one daphne process
reaches subscribers connected to any other; with the in-memory layer it stays in one process.
"""

from __future__ import annotations

from datetime import UTC, datetime

from channels.layers import get_channel_layer

# Every broadcast subscriber (SSE streams and room sockets) joins this group.
BROADCAST_GROUP = "streaming.broadcast"
# Channel-layer message types; Channels calls the consumer method with dots turned into '_'.
BROADCAST_TYPE = "broadcast.message"
CHAT_TYPE = "chat.message"
DROP_TYPE = "stream.drop"


def now_iso() -> str:
    """Milliseconds are enough to order a conversation; UTC so every reader agrees."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def drop_group(token: str) -> str:
    """The group an SSE stream with a "drop connection" token joins (token: 16-64 hex digits)."""
    return f"streaming.drop.{token}"


def broadcast_payload(message: str, sender: str) -> dict[str, str]:
    """What subscribers receive, as JSON: the same shape on SSE and on WebSocket."""
    return {"type": "broadcast", "message": message, "sender": sender, "time": now_iso()}


async def publish(message: str, sender: str) -> dict[str, str]:
    """Send ``message`` to every subscriber; returns the payload they get."""
    payload = broadcast_payload(message, sender)
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer is configured (CHANNEL_LAYERS)")
    await layer.group_send(BROADCAST_GROUP, {"type": BROADCAST_TYPE, "payload": payload})
    return payload


async def drop_stream(token: str) -> None:
    """Ask the SSE stream(s) that carry ``token`` to end their response now."""
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer is configured (CHANNEL_LAYERS)")
    await layer.group_send(drop_group(token), {"type": DROP_TYPE})
