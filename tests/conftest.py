"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os

import pytest


def require_or_skip(env_var: str, reason: str) -> None:
    """Skip loudly, or fail when the environment says this dependency is required (CI)."""
    if os.environ.get(env_var) == "1":
        pytest.fail(f"{reason} ({env_var}=1 makes this a failure)")
    pytest.skip(f"SKIPPED LOUDLY: {reason}")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached pages live in the cache: every test starts with an empty one."""
    from django.conf import settings

    if settings.configured:  # engine tests may run with `-p no:django`
        from django.core.cache import cache

        cache.clear()
    yield
