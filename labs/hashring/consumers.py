"""The live room's WebSocket: JSON changes in, htmx out-of-band HTML fragments out."""

from __future__ import annotations

import time

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from . import live
from .engine import LIVE

# Room work (cache round trips under a lock, a small ring redrawn) runs in worker threads,
# never in the event loop, and not in the one thread Django's sync views share.
apply_change = sync_to_async(live.apply_change, thread_sensitive=False)
room_state = sync_to_async(live.room_state, thread_sensitive=False)
render_fragments = sync_to_async(live.render_fragments, thread_sensitive=False)


class LiveRingConsumer(AsyncWebsocketConsumer):
    """One viewer of a room: sends their changes, receives everyone's new ring."""

    async def connect(self) -> None:
        self.room = self.scope["url_route"]["kwargs"]["room"]
        if not live.valid_room(self.room):
            await self.close(code=4004)
            return
        self.language = live.language_from_query(self.scope.get("query_string", b""))
        self.group = live.group_name(self.room)
        self.version_shown = -1
        self.last_change_at = float("-inf")
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.show(await room_state(self.room))

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        try:
            action, node = live.parse_message(text_data, self.language)
            now = time.monotonic()
            if now - self.last_change_at < LIVE.min_seconds_between_changes:
                raise live.ChangeError("too-fast")
            self.last_change_at = now
            state = await apply_change(self.room, action, node)
        except live.ChangeError as error:
            await self.send(text_data=live.error_fragment(error, self.language))
            return
        await self.channel_layer.group_send(self.group, live.change_event(state))

    async def room_changed(self, event: dict) -> None:
        await self.show(live.RoomState.from_dict(event["state"]))

    async def show(self, state: live.RoomState) -> None:
        # Two processes may announce versions 5 and 6 in either order: never go back.
        if state.version <= self.version_shown:
            return
        self.version_shown = state.version
        for fragment in await render_fragments(self.room, state, self.language):
            await self.send(text_data=fragment)
