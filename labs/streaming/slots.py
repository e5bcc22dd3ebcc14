"""The per-client cap on open SSE streams, counted through Django's cache.

A plain counter (``incr`` on open, ``decr`` on close) leaks: a process that crashes never
decrements, and the client is locked out until someone clears the key. Instead each open stream
holds one of ``maximum`` *slot* keys per client address, taken with ``cache.add`` (atomic:
``SET NX`` on Redis, a lock on LocMem) with a lease that the stream renews while it lives. A
closed stream deletes its key; a crashed process's keys expire after one lease. With Redis the
slots are shared by every daphne process; with LocMem each process counts its own.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured

from kbsite.ratelimit import Rate, hit
from labs.streaming.limits import SSE_CLIENT_SLOT_LEASE_S, SSE_MAX_STREAMS_PER_CLIENT

MAX_PER_CLIENT_SETTING = "KB_SSE_MAX_PER_CLIENT"
# A client may be allowed many streams (the 3,000-stream benchmark), but not an absurd number.
MAX_PER_CLIENT_CEILING = 100_000


def max_streams_per_client() -> int:
    """The cap: the Django setting, else the environment variable, else limits.py's default.

    Both carry the same name, KB_SSE_MAX_PER_CLIENT; a bad value stops the request with
    ImproperlyConfigured naming it (the settings contract), never silently uses a default.
    """
    raw = getattr(settings, MAX_PER_CLIENT_SETTING, None)
    if raw is None:
        raw = os.environ.get(MAX_PER_CLIENT_SETTING, "").strip() or None
    if raw is None:
        return SSE_MAX_STREAMS_PER_CLIENT
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= MAX_PER_CLIENT_CEILING:
        raise ImproperlyConfigured(
            f"{MAX_PER_CLIENT_SETTING} must be an integer from 1 to {MAX_PER_CLIENT_CEILING} "
            f"(got {raw!r})"
        )
    return value


@dataclass(frozen=True)
class StreamSlot:
    key: str
    token: str


def slot_key(client: str, index: int) -> str:
    return f"streaming:sse-slot:{client}:{index}"


def _take(client: str, maximum: int, lease_s: int) -> StreamSlot | None:
    # Probing starts at a random index, so with a large cap (the benchmark's thousands) the
    # number of cache round trips stays small until the slots are nearly full.
    token = secrets.token_hex(8)
    start = secrets.randbelow(maximum)
    for attempt in range(maximum):
        key = slot_key(client, (start + attempt) % maximum)
        if cache.add(key, token, timeout=lease_s):
            return StreamSlot(key, token)
    return None


def _renew(slot: StreamSlot, lease_s: int) -> bool:
    if cache.get(slot.key) != slot.token:
        return False
    return cache.touch(slot.key, lease_s)


def _release(slot: StreamSlot) -> None:
    # Only our own key: after an expired lease the slot may belong to another stream by now.
    if cache.get(slot.key) == slot.token:
        cache.delete(slot.key)


@dataclass(frozen=True)
class Admission:
    slot: StreamSlot | None
    rate_limited: bool
    retry_after: int


def _admit(client: str, rate: Rate, maximum: int, lease_s: int) -> Admission:
    allowed, retry_after = hit("sse:connect", client, rate)
    if not allowed:
        return Admission(None, True, retry_after)
    return Admission(_take(client, maximum, lease_s), False, lease_s)


def _off_loop(function):
    """Run a cache function without blocking the event loop for network I/O.

    LocMem is a dict behind a lock: calling it inline costs microseconds, where a trip to a
    worker thread costs two context switches (milliseconds on a busy machine, paid by every
    stream that opens). Other backends do I/O, so they run in the default thread pool — not in
    Django's single thread-sensitive worker, where Django's own ``cache.aadd()`` & co. would
    queue them behind every sync view in the process.
    """
    if isinstance(caches["default"], LocMemCache):

        async def inline(*args):
            return function(*args)

        return inline
    return sync_to_async(function, thread_sensitive=False)


async def admit(
    client: str, rate: Rate, *, maximum: int | None = None, lease_s: int = SSE_CLIENT_SLOT_LEASE_S
) -> Admission:
    """Count a connection attempt against ``rate``, then take a slot, in one thread hop."""
    maximum = max_streams_per_client() if maximum is None else maximum
    return await _off_loop(_admit)(client, rate, maximum, lease_s)


async def acquire_slot(
    client: str, *, maximum: int | None = None, lease_s: int = SSE_CLIENT_SLOT_LEASE_S
) -> StreamSlot | None:
    """Take a free slot for ``client``; ``None`` when all ``maximum`` slots are held."""
    maximum = max_streams_per_client() if maximum is None else maximum
    return await _off_loop(_take)(client, maximum, lease_s)


async def renew_slot(slot: StreamSlot, *, lease_s: int = SSE_CLIENT_SLOT_LEASE_S) -> bool:
    """Extend the lease; ``False`` if it had already expired (the stream then keeps running:
    the cap is a guard against abuse, and a stream already open is not the abuse)."""
    return await _off_loop(_renew)(slot, lease_s)


async def release_slot(slot: StreamSlot) -> None:
    await _off_loop(_release)(slot)


async def held_slots(client: str, *, maximum: int | None = None) -> int:
    """How many slots ``client`` holds now (for tests and the benchmark's cleanup check)."""
    maximum = max_streams_per_client() if maximum is None else maximum
    keys = [slot_key(client, index) for index in range(maximum)]
    return len(await _off_loop(cache.get_many)(keys))
