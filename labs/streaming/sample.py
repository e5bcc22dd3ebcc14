"""The lab's deterministic 10,000-byte sample file (served as ``sample.bin``).

The bytes are SHA-256 in counter mode over a fixed label, so every machine serves the same file
without shipping a binary in the repository, and a learner can check a reassembled download
against :data:`SAMPLE_SHA256`. Its validators are fixed too: the ETag is derived from the content
(strong, RFC 9110 §8.8.3) and Last-Modified is a constant date far in the past, so it is a strong
validator as well (§8.8.2.2) and ``If-Range`` with either one is meaningful.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from functools import cache

SAMPLE_FILENAME = "sample.bin"
SAMPLE_SIZE = 10_000
SAMPLE_CONTENT_TYPE = "application/octet-stream"
SAMPLE_LABEL = b"kbsite/labs/streaming/sample.bin/v1"
SAMPLE_LAST_MODIFIED = datetime(2025, 1, 1, 0, 0, 0, tzinfo=UTC)


def counter_mode_bytes(label: bytes, size: int) -> bytes:
    """The first ``size`` bytes of SHA-256(label || counter), counter as 8 big-endian bytes."""
    blocks = []
    for counter in range(-(-size // 32)):
        blocks.append(hashlib.sha256(label + counter.to_bytes(8, "big")).digest())
    return b"".join(blocks)[:size]


@cache
def sample_bytes() -> bytes:
    return counter_mode_bytes(SAMPLE_LABEL, SAMPLE_SIZE)


def sample_file() -> io.BytesIO:
    """A fresh seekable file object over the sample, for the range streaming helpers."""
    return io.BytesIO(sample_bytes())


SAMPLE_SHA256 = hashlib.sha256(sample_bytes()).hexdigest()
# 128 bits of the content hash: a strong entity tag (no W/ prefix) that changes with the bytes.
SAMPLE_ETAG = f'"{SAMPLE_SHA256[:32]}"'
