"""Give every pytest-xdist worker its own Redis database.

The suite clears the cache before each test (FLUSHDB on Redis) and counts rate limits and live
rooms in it; two workers sharing one database would wipe each other's keys mid-test. Loaded
with `-p` (pyproject's addopts) so it runs before pytest-django reads the settings.
"""

import os
from urllib.parse import urlsplit, urlunsplit


def worker_index() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")  # set by xdist before pytest starts
    return int(worker.removeprefix("gw") or 0)


def with_database(url: str, database: int) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


if os.environ.get("REDIS_URL"):
    # Databases 1-7 for the test processes' own cache and channel layer.
    os.environ["REDIS_URL"] = with_database(os.environ["REDIS_URL"], 1 + worker_index() % 7)
