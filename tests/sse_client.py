"""Drive an ASGI HTTP consumer in process and read its streamed body message by message."""

from __future__ import annotations

import asyncio

from channels.testing import ApplicationCommunicator

from labs.streaming.sse import parse_event_stream


class SSEStream:
    def __init__(self, app, path, query="", headers=(), client="10.0.0.1", method="GET"):
        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": method,
            "path": path,
            "query_string": query.encode(),
            "headers": [(k.encode(), v.encode()) for k, v in headers],
            "client": (client, 50000),
            "server": ("127.0.0.1", 8000),
        }
        self.communicator = ApplicationCommunicator(app, scope)
        self.body = b""
        self.ended = False

    async def start(self, timeout=2):
        await self.communicator.send_input({"type": "http.request", "body": b""})
        start = await self.communicator.receive_output(timeout)
        assert start["type"] == "http.response.start"
        self.status = start["status"]
        self.headers = {k.decode().lower(): v.decode() for k, v in start.get("headers", [])}
        return self

    async def read(self, timeout=2):
        message = await self.communicator.receive_output(timeout)
        assert message["type"] == "http.response.body"
        self.body += message["body"]
        if not message.get("more_body", False):
            self.ended = True
        return message["body"]

    async def read_to_end(self, timeout=2):
        while not self.ended:
            await self.read(timeout)
        return self.body

    async def read_until(self, marker: bytes, timeout=2):
        while marker not in self.body and not self.ended:
            await self.read(timeout)
        return self.body

    async def disconnect(self, within: float = 1.0):
        """Say the client left; the consumer must finish within ``within`` seconds."""
        await self.communicator.send_input({"type": "http.disconnect"})
        # communicator.wait() cancels a consumer that overruns without saying so: check first.
        done, _ = await asyncio.wait([self.communicator.future], timeout=within)
        assert done, f"the consumer kept running for {within} s after http.disconnect"
        await self.communicator.wait()

    def events(self):
        return parse_event_stream(self.body)
