"""Run the real site — daphne serving kbsite.asgi — in a subprocess, on its own database.

Browser and protocol tests talk to it over loopback like a reader would. The server gets a
fresh SQLite file (or, when DATABASE_URL names PostgreSQL, a fresh database on that server),
migrated and loaded with content/, so it never touches the test database pytest-django uses.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DAPHNE = Path(sys.executable).parent / "daphne"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_database(base_url: str) -> str:
    """Create a throwaway database next to the one DATABASE_URL names; return its URL."""
    import psycopg

    name = f"kbsite_live_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(base_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def _drop_postgres_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class LiveSite:
    env: dict[str, str]
    workdir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.urls[0]

    def manage(self, *args: str, input_text: str | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            input=input_text,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def start_server(self, *extra_args: str) -> str:
        """Start one more daphne process on the same database (and Redis, if configured)."""
        port = free_port()
        log = open(self.workdir / f"daphne-{port}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [
                str(DAPHNE), "-b", "127.0.0.1", "-p", str(port),
                "--websocket-max-message-size", "65536", *extra_args,
                "kbsite.asgi:application",
            ],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log_text = (self.workdir / f"daphne-{port}.log").read_text(errors="replace")
                raise RuntimeError(f"daphne did not start on {url}:\n{log_text[-3000:]}")
            time.sleep(0.1)
        self.processes.append(process)
        self.urls.append(url)
        return url

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()


def start_live_site(*, redis_url: str | None = None, extra_env: dict | None = None) -> LiveSite:
    workdir = Path(tempfile.mkdtemp(prefix="kbsite-live-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        env["DATABASE_URL"] = _postgres_database(base)
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'live.sqlite3'}"
    env["KB_DEBUG"] = "0"
    env["KB_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    env["DJANGO_SETTINGS_MODULE"] = "kbsite.settings"
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra_env or {})
    site = LiveSite(env=env, workdir=workdir)
    site.manage("migrate", "--noinput")
    site.manage("loadcontent")
    site.start_server()
    return site


def stop_live_site(site: LiveSite) -> None:
    site.stop()
    if site.env["DATABASE_URL"].startswith("postgres"):
        _drop_postgres_database(site.env["DATABASE_URL"])
