"""The bodies the chunked demos stream: async iterators of text lines (no Django here).

Django's ``StreamingHttpResponse`` sends each item of an *async* iterator as it is produced under
ASGI; a sync iterator would be collected into memory first and arrive all at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from labs.streaming.wire import self_framed

LAST_CHUNK = b"0\r\n\r\n"


def demo_line(number: int, total: int, size: int) -> bytes:
    """Line ``number`` of ``total``: ``size`` bytes, ending with a newline, padded with dots."""
    if size < 1:
        raise ValueError("size must be >= 1")
    label = f"chunk {number} of {total} "
    return (label + "." * size)[: size - 1].encode("ascii") + b"\n"


def demo_payload(total: int, size: int) -> bytes:
    """What a client that decodes the framing once must end up with."""
    return b"".join(demo_line(n, total, size) for n in range(1, total + 1))


async def demo_lines(
    total: int, interval_ms: int, size: int, *, frame_it_yourself: bool = False
) -> AsyncIterator[bytes]:
    """Yield ``total`` lines, sleeping ``interval_ms`` between them (not before the first).

    ``frame_it_yourself=True`` is the mistake the lab demonstrates: each line is wrapped in
    ``len\\r\\ndata\\r\\n`` and a last-chunk is appended, and the server frames all of it again.
    """
    loop = asyncio.get_running_loop()
    start = loop.time()
    for number in range(1, total + 1):
        if number > 1:
            # A deadline from the start, so the spacing does not drift with the send time.
            await asyncio.sleep(max(0.0, start + (number - 1) * interval_ms / 1000 - loop.time()))
        line = demo_line(number, total, size)
        yield self_framed(line) if frame_it_yourself else line
    if frame_it_yourself:
        yield LAST_CHUNK
