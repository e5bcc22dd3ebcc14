import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kbsite import settings as site_settings

ROOT = Path(__file__).resolve().parents[2]


def start_django(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KB_", "DATABASE_URL", "REDIS_URL"))
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "kbsite.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("raw, expected", [("1", True), ("0", False), ("true", True), ("", False)])
def test_boolean_variables_accept_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("KB_DEBUG", raw)
    assert site_settings.env_bool("KB_DEBUG", False) is expected


def test_a_bad_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("KB_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="KB_DEBUG"):
        site_settings.env_bool("KB_DEBUG", False)


def test_without_database_url_the_default_is_sqlite_in_wal_mode_with_immediate_transactions(
    monkeypatch,
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = site_settings.database_from_env()
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["timeout"] > 0


def test_a_postgres_database_url_switches_to_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://kb:secret@127.0.0.1:5432/kbsite")
    config = site_settings.database_from_env()
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "kbsite"
    assert config["HOST"] == "127.0.0.1"


@pytest.mark.parametrize("url", ["mysql://x@h/db", "not a url", "postgres://127.0.0.1:5432/"])
def test_a_malformed_database_url_names_the_variable(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        site_settings.database_from_env()


@pytest.mark.parametrize("url", ["http://127.0.0.1:6379", "redis://", "redis://h:port/0"])
def test_a_malformed_redis_url_names_the_variable(monkeypatch, url):
    monkeypatch.setenv("REDIS_URL", url)
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        site_settings.redis_url_from_env()


def test_a_short_secret_key_is_refused(monkeypatch):
    monkeypatch.setenv("KB_SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="KB_SECRET_KEY"):
        site_settings.secret_key_from_env(debug=False)


def test_production_without_a_secret_key_is_refused(monkeypatch):
    monkeypatch.delenv("KB_SECRET_KEY", raising=False)
    monkeypatch.setenv("KB_HTTPS", "1")
    with pytest.raises(ImproperlyConfigured, match="KB_SECRET_KEY"):
        site_settings.secret_key_from_env(debug=False)


def test_start_up_stops_on_a_bad_value_and_names_it():
    result = start_django(KB_DEBUG="maybe")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "KB_DEBUG" in result.stderr


def test_start_up_succeeds_with_redis_and_postgres_urls_configured():
    result = start_django(
        DATABASE_URL="postgres://kb@127.0.0.1:5432/kbsite", REDIS_URL="redis://127.0.0.1:6379/0"
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_redis_url_switches_cache_and_channel_layer():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND']); print(s.CHANNEL_LAYERS['default']['BACKEND'])"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KB_", "REDIS_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "kbsite.settings",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "channels_redis.core.RedisChannelLayer",
    ]


def test_the_embedded_defaults_need_no_services(settings):
    if os.environ.get("REDIS_URL"):
        pytest.skip("this run is configured with Redis")
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"].endswith("InMemoryChannelLayer")


def test_daphne_comes_first_so_runserver_is_daphne(settings):
    assert settings.INSTALLED_APPS[0] == "daphne"
