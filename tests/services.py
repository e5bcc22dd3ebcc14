"""Helpers for tests that need PostgreSQL or Redis (KB_REQUIRE_SERVICES=1 makes absence fatal)."""

from __future__ import annotations

import os
import socket

from tests.conftest import require_or_skip
from tests.redis_isolation import with_database, worker_index

POSTGRES_URL = os.environ.get("KB_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# Servers started by a test get databases 8-15, one per xdist worker, apart from the test
# processes' own (tests/redis_isolation.py), so concurrent tests never share rooms or counters.
REDIS_URL = with_database(
    os.environ.get("KB_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"), 8 + worker_index() % 8
)


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def require_redis() -> str:
    if not port_open("127.0.0.1", 6379):
        require_or_skip("KB_REQUIRE_SERVICES", "Redis is not answering on 127.0.0.1:6379")
    return REDIS_URL


def require_postgres() -> str:
    if not port_open("127.0.0.1", 5432):
        require_or_skip("KB_REQUIRE_SERVICES", "PostgreSQL is not answering on 127.0.0.1:5432")
    return POSTGRES_URL
