"""The live room: WebSocket viewers share one ring, bounded in names, nodes, size and rate."""

import asyncio
import json
import re
from dataclasses import replace

import pytest
from channels.testing import WebsocketCommunicator
from django.core.cache import cache

from kbsite.asgi import application
from labs.hashring import consumers, live
from labs.hashring.engine import LIVE
from tests.live import start_live_site, stop_live_site
from tests.services import require_redis

SAME_SITE = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1:8000")]


async def viewer(room: str = "lab", language: str = "en", headers=SAME_SITE):
    communicator = WebsocketCommunicator(
        application, f"/ws/labs/hashring/live/{room}/?lang={language}", headers=headers
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator, await update(communicator)  # the room as it is now


async def update(communicator) -> str:
    """One new state of the room: the ring, then the node list, log and status."""
    ring = await communicator.receive_from()
    assert 'id="live-ring"' in ring
    return ring + await communicator.receive_from()


def change(action: str, node: str = "", **extra) -> str:
    return json.dumps({"action": action, "node": node, **extra})


def node_names(fragment: str) -> list[str]:
    return re.findall(r'<span class="node-name">([^<]+)</span>', fragment)


@pytest.fixture
def no_pause(monkeypatch):
    """Let one connection send changes back to back (the per-connection pause is tested alone)."""
    monkeypatch.setattr(consumers, "LIVE", replace(LIVE, min_seconds_between_changes=0))


@pytest.mark.asyncio
async def test_two_viewers_see_each_others_change():
    alice, first = await viewer()
    bob, _ = await viewer()
    assert node_names(first) == [f"node-{i}" for i in range(LIVE.initial_nodes)]

    await alice.send_to(text_data=change("add", "alice-box"))
    for communicator in (alice, bob):
        fragment = await update(communicator)
        assert "alice-box" in node_names(fragment)
        assert 'id="live-ring" hx-swap-oob="true"' in fragment
        assert '<circle class="moved"' in fragment  # the keys the new node took, circled
        assert "alice-box joined:" in fragment  # the log line

    await bob.send_to(text_data=change("remove", "node-1"))
    fragment = await update(alice)
    assert "node-1" not in node_names(fragment)
    assert "node-1 left:" in fragment
    await alice.disconnect()
    await bob.disconnect()


@pytest.mark.asyncio
async def test_a_late_viewer_finds_the_ring_as_others_left_it():
    alice, _ = await viewer("later")
    await alice.send_to(text_data=change("add", "first-in"))
    await update(alice)
    await alice.disconnect()
    carol, first = await viewer("later")
    assert "first-in" in node_names(first)
    await carol.disconnect()


@pytest.mark.asyncio
async def test_rooms_do_not_hear_each_other():
    here, _ = await viewer("room-a")
    there, _ = await viewer("room-b")
    await here.send_to(text_data=change("add"))
    await update(here)
    assert await there.receive_nothing(timeout=0.3)
    await here.disconnect()
    await there.disconnect()


@pytest.mark.asyncio
async def test_the_htmx_form_message_with_its_extra_fields_is_understood():
    communicator, _ = await viewer("htmx")
    message = change("add", "", HEADERS={"HX-Request": "true"}, csrfmiddlewaretoken="x")
    await communicator.send_to(text_data=message)
    fragment = await update(communicator)
    assert f"node-{LIVE.initial_nodes}" in node_names(fragment)  # the next free name
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_each_viewer_reads_the_ring_in_their_own_language():
    english, _ = await viewer("bilingual", "en")
    chinese, first = await viewer("bilingual", "zh-hans")
    assert "哈希环" in first
    await english.send_to(text_data=change("add", "n1"))
    assert "Hash ring" in await update(english)
    assert "加入 n1 之后" in await update(chinese)
    await english.disconnect()
    await chinese.disconnect()


@pytest.mark.parametrize(
    "origin", [b"http://evil.example", b"null", None], ids=["foreign", "null", "missing"]
)
@pytest.mark.asyncio
async def test_a_foreign_origin_is_refused(origin):
    headers = [(b"host", b"127.0.0.1")] + ([(b"origin", origin)] if origin else [])
    communicator = WebsocketCommunicator(
        application, "/ws/labs/hashring/live/lab/", headers=headers
    )
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()


BAD_MESSAGES = [
    ("not json at all", "not valid JSON"),
    ("[1, 2]", "not valid JSON"),
    ('{"action": "jump"}', "action: "),
    ('{"action": "add", "node": 5}', "must be strings"),
    ('{"action": "add", "node": "no spaces"}', "node: "),
    ('{"action": "add", "node": "' + "x" * 25 + '"}', "node: "),
    ('{"action": "remove"}', "Name the node to remove"),
    ('{"action": "remove", "node": "ghost"}', "There is no node named ghost"),
    ('{"action": "add", "node": "node-0"}', "already on the ring"),
    ("{" * 600 + "}" * 600, f"at most {LIVE.max_message_chars} characters"),
]


@pytest.mark.parametrize("message, error", BAD_MESSAGES)
@pytest.mark.asyncio
async def test_a_bad_message_gets_an_error_and_the_connection_stays(no_pause, message, error):
    communicator, _ = await viewer("errors")
    await communicator.send_to(text_data=message)
    reply = await communicator.receive_from()
    assert 'id="live-status"' in reply and "notice error" in reply
    assert error in reply
    # Still connected and still useful.
    await communicator.send_to(text_data=change("add", "after-error"))
    assert "after-error" in node_names(await update(communicator))
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_binary_frames_are_answered_with_an_error():
    communicator, _ = await viewer("binary")
    await communicator.send_to(bytes_data=b"\x00\x01")
    assert "Send text frames" in await communicator.receive_from()
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_one_connection_cannot_change_the_ring_faster_than_the_limit(monkeypatch):
    # A long pause, so a slow machine cannot let it pass between the two messages.
    monkeypatch.setattr(consumers, "LIVE", replace(LIVE, min_seconds_between_changes=60))
    communicator, _ = await viewer("hasty")
    await communicator.send_to(text_data=change("add"))
    await update(communicator)
    await communicator.send_to(text_data=change("add"))
    assert "One change every" in await communicator.receive_from()
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_a_room_holds_at_most_its_node_limit_and_never_loses_the_last_node(no_pause):
    communicator, _ = await viewer("crowded")
    for _ in range(LIVE.max_nodes - LIVE.initial_nodes):
        await communicator.send_to(text_data=change("add"))
        await update(communicator)
    await communicator.send_to(text_data=change("add"))
    assert f"at most {LIVE.max_nodes} nodes" in await communicator.receive_from()
    await communicator.disconnect()

    lone, _ = await viewer("lonely")
    for i in range(1, LIVE.initial_nodes):
        await lone.send_to(text_data=change("remove", f"node-{i}"))
        await update(lone)
    await lone.send_to(text_data=change("remove", "node-0"))
    assert "at least one node" in await lone.receive_from()
    await lone.disconnect()


def test_a_room_takes_a_bounded_number_of_changes_per_minute(monkeypatch):
    monkeypatch.setattr("kbsite.ratelimit.time.time", lambda: 1_800_000_000.0)  # one window
    for i in range(LIVE.changes_per_minute):
        live.apply_change("busy", "add" if i % 2 == 0 else "remove", "extra")
    with pytest.raises(live.ChangeError) as refused:
        live.apply_change("busy", "add", "")
    assert refused.value.code == "room-busy"
    assert len(live.room_state("busy").log) == LIVE.log_entries


def test_a_node_keeps_its_colour_while_others_come_and_go():
    live.apply_change("colours", "remove", "node-1")
    state = live.apply_change("colours", "add", "newcomer")
    assert state.colours["node-3"] == 3
    assert state.colours["newcomer"] == 1  # the first free colour, left by node-1
    view = live.room_view("colours", state, "en")
    assert [node.colour for node in view.nodes][-1] == "series-1"


def test_concurrent_changes_are_applied_one_at_a_time():
    async def add_many():
        add = consumers.apply_change
        return await asyncio.gather(*(add("race", "add", f"r{i}") for i in range(6)))

    states = asyncio.run(add_many())
    assert len({state.version for state in states}) == 6  # six distinct, ordered states
    assert len(live.room_state("race").nodes) == LIVE.initial_nodes + 6


def test_the_largest_room_fits_each_message_under_the_socket_limit():
    # 12 nodes with the longest names, the latest change adding one: the heaviest picture.
    names = tuple(f"{i:02d}" + "n" * (LIVE.max_node_name_length - 2) for i in range(12))
    entry = live.LoggedChange("add", names[-1], names[:-1], 900, LIVE.keys, 1 / 12, 0, 0.0)
    state = live.RoomState(
        nodes=names, colours={n: i for i, n in enumerate(names)}, version=1, log=(entry,) * 12
    )
    for language in ("en", "zh-hans"):
        for fragment in live.render_fragments("big", state, language):
            assert len(fragment.encode()) < LIVE.max_message_bytes_out


def test_a_room_the_cache_forgot_still_moves_its_viewers_forward():
    first = live.apply_change("forgotten", "add", "")
    cache.clear()  # evicted: the room starts again from its initial nodes
    again = live.apply_change("forgotten", "add", "")
    assert again.version > first.version


def test_room_names_are_short_lower_case_words():
    assert live.valid_room("interview") and live.valid_room("team-7")
    for bad in ("", "-a", "a-", "A", "a_b", "a" * 33, "a/b", "ä"):
        assert not live.valid_room(bad)


@pytest.mark.services
@pytest.mark.slow
def test_changes_reach_viewers_on_another_process_through_redis():
    redis_url = require_redis()
    site = start_live_site(redis_url=redis_url)
    try:
        second = site.start_server()
        asyncio.run(_cross_process(site.url, second))
    finally:
        stop_live_site(site)


async def _cross_process(first_url: str, second_url: str):
    import uuid

    import websockets

    room = f"redis-{uuid.uuid4().hex[:8]}"

    def socket(url: str):
        ws_url = url.replace("http://", "ws://") + f"/ws/labs/hashring/live/{room}/?lang=en"
        return websockets.connect(ws_url, origin=url)

    async def state(connection) -> str:
        return "".join([await asyncio.wait_for(connection.recv(), 10) for _ in range(2)])

    async with socket(first_url) as one, socket(second_url) as two:
        await state(one)
        await state(two)
        await one.send(change("add", "across"))
        assert "across" in node_names(await state(two))
