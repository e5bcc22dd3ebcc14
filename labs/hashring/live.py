"""The live room: one shared hash ring per room name, changed by anyone who has it open.

A room's state (its node list, each node's colour, the latest change and a short log) lives
in the Django cache, so every process sees the same ring when the cache is Redis. A change
is applied under a short cache lock, then announced to the room's channel-layer group; each
connection draws the new ring in its own reader's language and sends it as htmx
out-of-band fragments (``hx-swap-oob``), so the page needs no script of its own.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from kbsite.ratelimit import Rate, hit

from . import charts
from .engine import (
    LIVE,
    ChangeRefused,
    analyse_change,
    assigner_picture,
    next_node_name,
    numbered_keys,
)
from .forms import LiveChangeForm
from .ring import HashRing

ROOM_RE = re.compile(rf"^{LIVE.room_name_pattern}$")
LOCK_SECONDS = 5  # a lock outlives a crashed holder by at most this long
LOCK_WAIT_SECONDS = 2.0
FRAGMENT_SECONDS = 120


def valid_room(room: str) -> bool:
    return bool(ROOM_RE.match(room))


def group_name(room: str) -> str:
    return f"hashring-live.{room}"


def socket_path(room: str, language: str) -> str:
    """The room's WebSocket URL (a Channels route, outside Django's URL reversing)."""
    return f"/ws/labs/hashring/live/{room}/?lang={language}"


def language_from_query(query_string: bytes) -> str:
    """The reader's language from ``?lang=``; the site default when missing or unknown."""
    values = parse_qs(query_string.decode("latin-1")).get("lang", [])
    codes = {code for code, _name in settings.LANGUAGES}
    return values[0] if values and values[0] in codes else settings.LANGUAGE_CODE


# ----------------------------------------------------------------------------------------
# State


@dataclass(frozen=True)
class LoggedChange:
    kind: str  # "add" or "remove"
    node: str
    nodes_before: tuple[str, ...]
    moved: int
    keys: int
    ideal_fraction: float
    moved_between_old_nodes: int
    at: float  # Unix time

    @property
    def moved_fraction(self) -> float:
        return self.moved / self.keys

    @property
    def when(self) -> datetime:
        return datetime.fromtimestamp(self.at, tz=UTC)


@dataclass(frozen=True)
class RoomState:
    nodes: tuple[str, ...]
    # Colour slot of every node present, and of a node that just left (its last picture
    # paints it); a node keeps its colour for as long as it stays.
    colours: dict[str, int]
    version: int = 0  # grows with every change, see next_version
    log: tuple[LoggedChange, ...] = field(default=())  # newest first

    @property
    def last(self) -> LoggedChange | None:
        return self.log[0] if self.log else None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RoomState:
        return cls(
            nodes=tuple(data["nodes"]),
            colours=dict(data["colours"]),
            version=int(data["version"]),
            log=tuple(
                LoggedChange(**{**entry, "nodes_before": tuple(entry["nodes_before"])})
                for entry in data["log"]
            ),
        )


def initial_state() -> RoomState:
    nodes = tuple(f"node-{i}" for i in range(LIVE.initial_nodes))
    return RoomState(nodes=nodes, colours={name: i for i, name in enumerate(nodes)})


def _state_key(room: str) -> str:
    return f"hashring:live:{room}:state"


def room_state(room: str) -> RoomState:
    data = cache.get(_state_key(room))
    if data is None:
        return initial_state()
    try:
        return RoomState.from_dict(data)
    except (KeyError, TypeError, ValueError):  # written by an older version of this module
        return initial_state()


# ----------------------------------------------------------------------------------------
# Changes


class ChangeError(Exception):
    """A change this room will not make; ``code`` picks the message, ``params`` fill it."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def text(self, language: str) -> str:
        with translation.override(language):
            return self._text()

    def _text(self) -> str:
        p = self.params
        messages = {
            "not-text": _('Send text frames: a JSON object such as {"action": "add"}.'),
            "too-long": _("A message has at most %(limit)s characters.")
            % {"limit": LIVE.max_message_chars},
            "json": _(
                'The message is not valid JSON. Send {"action": "add"|"remove", "node": "…"}.'
            ),
            "invalid": str(p.get("reason", "")),
            "too-fast": _("One change every %(seconds)s seconds, please.")
            % {"seconds": LIVE.min_seconds_between_changes},
            "room-busy": _(
                "This room already had %(limit)s changes in the last minute; wait a moment."
            )
            % {"limit": LIVE.changes_per_minute},
            "locked": _("Someone else is changing the ring right now; try again."),
            "full": _("A room holds at most %(limit)s nodes; remove one first.")
            % {"limit": LIVE.max_nodes},
            "exists": _("%(node)s is already on the ring.") % {"node": p.get("node", "")},
            "unknown": _("There is no node named %(node)s on the ring.")
            % {"node": p.get("node", "")},
            "last": _("The ring needs at least one node: %(node)s is the only one.")
            % {"node": p.get("node", "")},
        }
        return messages.get(self.code, self.code)


def parse_message(text: str | None, language: str) -> tuple[str, str]:
    """(action, node) from a client's JSON message; extra keys (htmx's HEADERS) are ignored.

    ``language`` is the reader's: a form error becomes the message they are sent back.
    """
    with translation.override(language):
        return _parse_message(text)


def _parse_message(text: str | None) -> tuple[str, str]:
    if text is None:
        raise ChangeError("not-text")
    if len(text) > LIVE.max_message_chars:
        raise ChangeError("too-long")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise ChangeError("json") from None
    if not isinstance(data, dict):
        raise ChangeError("json")
    fields = {name: data.get(name) for name in ("action", "node")}
    if not all(value is None or isinstance(value, str) for value in fields.values()):
        raise ChangeError("invalid", reason=_("action and node must be strings."))
    form = LiveChangeForm({name: value or "" for name, value in fields.items()})
    if not form.is_valid():
        raise ChangeError("invalid", reason=form.error_message())
    return form.cleaned_data["action"], form.cleaned_data["node"]


@contextmanager
def room_lock(room: str) -> Iterator[None]:
    """One writer per room across processes: ``cache.add`` succeeds for one caller only."""
    key, token = f"hashring:live:{room}:lock", secrets.token_hex(8)
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while not cache.add(key, token, LOCK_SECONDS):
        if time.monotonic() > deadline:
            raise ChangeError("locked")
        time.sleep(0.02)
    try:
        yield
    finally:
        if cache.get(key) == token:
            cache.delete(key)


def _ring(nodes: tuple[str, ...]) -> HashRing:
    return HashRing(nodes, vnodes=LIVE.vnodes)


def apply_change(room: str, action: str, node: str) -> RoomState:
    """Add or remove ``node`` (an empty name adds the next free ``node-N``); the new state."""
    with room_lock(room):
        state = room_state(room)
        allowed, _retry = hit("hashring-live-room", room, Rate(LIVE.changes_per_minute, 60))
        if not allowed:
            raise ChangeError("room-busy")
        before = _ring(state.nodes)
        if action == "add":
            node = node or next_node_name(state.nodes)
            if node in state.nodes:
                raise ChangeError("exists", node=node)
            if len(state.nodes) >= LIVE.max_nodes:
                raise ChangeError("full")
        elif node not in state.nodes:
            raise ChangeError("unknown", node=node)
        try:
            after = before.with_node(node) if action == "add" else before.without_node(node)
        except ChangeRefused as refused:
            code = "last" if refused.reason == "last-node" else "invalid"
            raise ChangeError(code, node=node, reason=refused.message) from None
        report = analyse_change(before, after, numbered_keys(LIVE.keys))
        colours = {name: state.colours[name] for name in state.nodes if name in state.colours}
        if action == "add":
            free = sorted(set(range(LIVE.max_nodes)) - set(colours.values()))
            colours[node] = free[0]
        entry = LoggedChange(
            kind=action,
            node=node,
            nodes_before=state.nodes,
            moved=report.moved,
            keys=report.key_count,
            ideal_fraction=report.ideal_fraction,
            moved_between_old_nodes=report.moved_between_old_nodes,
            at=time.time(),
        )
        new_state = RoomState(
            nodes=after.nodes,
            colours=colours,
            version=next_version(state.version),
            log=(entry, *state.log)[: LIVE.log_entries],
        )
        cache.set(_state_key(room), new_state.to_dict(), LIVE.idle_seconds)
        return new_state


def next_version(version: int) -> int:
    """Larger than ``version`` and than any version given before now, even to a room the
    cache forgot (which starts again at 0): viewers never go back to an older version."""
    return max(version + 1, time.time_ns() // 1000)


def change_event(state: RoomState) -> dict:
    """The channel-layer message that tells a room's connections about a new state."""
    return {"type": "room.changed", "state": state.to_dict()}


def apply_and_broadcast(room: str, action: str, node: str) -> RoomState:
    """:func:`apply_change`, then tell the room (for the page's plain POST forms)."""
    state = apply_change(room, action, node)
    async_to_sync(get_channel_layer().group_send)(group_name(room), change_event(state))
    return state


# ----------------------------------------------------------------------------------------
# Drawing


@dataclass(frozen=True)
class NodeView:
    name: str
    colour: str  # series-N


@dataclass(frozen=True)
class RoomView:
    room: str
    state: RoomState
    ring_svg: str
    nodes: tuple[NodeView, ...]
    moved_in_sample: int
    sample_size: int
    keys: int = LIVE.keys
    vnodes: int = LIVE.vnodes
    max_nodes: int = LIVE.max_nodes

    @property
    def last(self) -> LoggedChange | None:
        return self.state.last

    @property
    def full(self) -> bool:
        return len(self.state.nodes) >= LIVE.max_nodes


def room_view(room: str, state: RoomState, language: str) -> RoomView:
    """The ring after the room's latest change (moved keys circled), or as it started."""
    last = state.last
    if last is None:
        picture = assigner_picture(_ring(state.nodes), numbered_keys(LIVE.keys))
    else:
        picture = assigner_picture(
            _ring(last.nodes_before), numbered_keys(LIVE.keys), last.kind, last.node
        )
    colours = state.colours
    return RoomView(
        room=room,
        state=state,
        ring_svg=charts.ring_svg(picture, language, "live-ring-chart", colours=colours),
        nodes=tuple(
            NodeView(name, f"series-{colours.get(name, i) % 12}")
            for i, name in enumerate(state.nodes)
        ),
        moved_in_sample=picture.moved_in_sample,
        sample_size=len(picture.keys),
    )


def render_fragments(room: str, state: RoomState, language: str) -> tuple[str, ...]:
    """The room's new state as htmx out-of-band fragments, one WebSocket message each.

    The ring goes alone: daphne refuses to send a message over its size limit, and the ring
    is most of the bytes. Drawn once per state and language, whoever asks first.
    """
    # Keyed by the state itself: two rooms of the same name (one forgotten by the cache, one
    # started since) never share a drawing.
    digest = hashlib.sha256(json.dumps(state.to_dict(), sort_keys=True).encode()).hexdigest()
    key = f"hashring:live:{room}:fragments:{digest[:24]}:{language}"
    found = cache.get(key)
    if found is None:
        context = {"view": room_view(room, state, language), "oob": True}
        with translation.override(language):
            found = tuple(
                render_to_string(f"labs/hashring/partials/{name}.html", context)
                for name in ("live_ring", "live_state")
            )
        cache.set(key, found, FRAGMENT_SECONDS)
    return found


def error_fragment(error: ChangeError, language: str) -> str:
    with translation.override(language):
        return render_to_string(
            "labs/hashring/partials/live_status.html",
            {"message": error.text(language), "oob": True},
        )
