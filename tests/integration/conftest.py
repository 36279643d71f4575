"""Fixtures for the integration tests: real Celery workers, beats and Redis servers.

The worker and beat are subprocesses, so the data they must see is committed
(`transactional_db`), and they connect to pytest's test database by name.
Each test gets a `redis-server` of its own (fault tests on a port of 6391-6399,
which they kill and restart).
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SHARED_REDIS = os.environ.get("REDIS_URL", "")
MESSAGE_ID = re.compile(r"^Message-ID: (<outbox-[^>]+>)", re.MULTILINE)


def wait_until(predicate, timeout: float = 30.0, step: float = 0.2, what: str = ""):
    """Poll `predicate` until it is truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    pytest.fail(f"timed out after {timeout}s waiting for {what or predicate}")


def message_ids(folder: Path) -> Counter:
    """Count each outbox Message-ID across every file the file backend wrote."""
    found: Counter = Counter()
    for path in folder.glob("*"):
        found.update(MESSAGE_ID.findall(path.read_text(errors="replace")))
    return found


class Stack:
    """Starts and stops the processes of one test (all killed at teardown)."""

    def __init__(self, tmp: Path, redis_url: str) -> None:
        self.tmp = tmp
        self.mail = tmp / "mail"
        self.mail.mkdir()
        self.redis_url = redis_url
        self.procs: list[subprocess.Popen] = []
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "REDIS_URL": redis_url,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail),
            "LOG_LEVEL": "WARNING",
            "DEBUG": "1",
        }
        self.env.pop("REDRESS_EAGER", None)

    def spawn(self, name: str, *args: str, **env: str) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 (closed with proc)
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        proc.log = log
        self.procs.append(proc)
        return proc

    def worker(self, name: str = "w1", **env: str) -> subprocess.Popen:
        return self.spawn(
            name,
            str(BIN / "celery"),
            "-A",
            "config.celery:app",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"{name}@%h",
            "--loglevel=INFO",
            **env,
        )

    def beat(self, name: str = "beat1") -> subprocess.Popen:
        return self.spawn(
            name,
            str(BIN / "celery"),
            "-A",
            "tests.integration.beat_app:app",
            "beat",
            "-s",
            str(self.tmp / f"{name}-schedule"),
            "--loglevel=INFO",
        )

    def manage(self, *args: str, timeout: float = 60, **env: str):
        return subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @staticmethod
    def kill(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        proc.log.close()

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            self.kill(proc, signal.SIGTERM if proc.poll() is None else signal.SIGKILL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def stack(transactional_db, tmp_path):
    """Processes against a Redis server of this test's own.

    Not the shared REDIS_URL: the tests running beside this one in the other
    pytest process queue real tasks there (a transactional test's on-commit
    hooks publish them), and this test's workers would take them and run them
    against this test's database, while this test's flushes would drop theirs.
    """
    if not SHARED_REDIS:
        pytest.skip("needs Redis: set REDIS_URL")
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    server = PrivateRedis(free_port(), tmp_path)
    server.start()
    running = Stack(tmp_path, server.url)
    yield running
    running.stop_all()
    server.kill()


class PrivateRedis:
    """A throwaway redis-server (nothing on disk) that a test may kill and restart."""

    def __init__(self, port: int, tmp: Path) -> None:
        self.port, self.tmp, self.proc = port, tmp, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_until(lambda: _pings(client), 10, what="redis-server")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


@pytest.fixture
def private_redis(tmp_path, request):
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    port = getattr(request, "param", 6391)
    server = PrivateRedis(port, tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def private_stack(transactional_db, tmp_path, private_redis):
    """Processes against a private Redis server the test may kill."""
    running = Stack(tmp_path, private_redis.url)
    yield running
    running.stop_all()
