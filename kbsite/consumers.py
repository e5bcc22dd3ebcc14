from channels.generic.websocket import AsyncWebsocketConsumer

MAX_PING_BYTES = 1024


class PingConsumer(AsyncWebsocketConsumer):
    """Answers "pong" to any short text frame: a liveness probe for the WebSocket stack."""

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is not None and len(text_data) <= MAX_PING_BYTES:
            await self.send(text_data="pong")
        else:
            await self.close(code=4009)
