"""Shared by the API benchmarks: the throwaway database, Django, keys, timing.

Both benchmarks run against `redress_api_bench` (created if missing) on the
PostgreSQL of DATABASE_URL's server, never the test or development database.
"""

import os
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "redress_api_bench"
SERVER = "postgres://postgres@127.0.0.1:5432"
PORT = 8110
# A throwaway key per run: DEBUG is off, so the settings refuse placeholders.
SECRET = secrets.token_urlsafe(50)


def bench_env() -> dict[str, str]:
    """Production-like settings (DEBUG off) on the throwaway database."""
    env = dict(os.environ)
    # Production runs with Redis (the process memos' invalidation, throttles):
    # without it every create re-reads what the memos hold.
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")
    env.update(
        DATABASE_URL=f"{SERVER}/{BENCH_DB}",
        DEBUG="0",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on the loopback: no redirect to HTTPS, no HSTS.
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        # The benchmark measures the endpoint, not the throttle refusing it.
        API_THROTTLE_RATE="100000000/min",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def create_database(name: str = BENCH_DB) -> None:
    import psycopg2

    conn = psycopg2.connect(f"{SERVER}/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def setup_django() -> None:
    """Point this process at the bench database and start Django, migrated."""
    create_database()
    os.environ.update(bench_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def issue_key(*, name: str, username: str | None = None) -> str:
    from api.services import api_client_create
    from teams.actors import Actor

    scopes = ["complaints:write", "complaints:read", "cases:manage"]
    return api_client_create(
        name=name, username=username, scopes=scopes, by=Actor.system("bench")
    )[1]


def start_gunicorn(workers: int = 5, *, plain: bool = False) -> subprocess.Popen:
    """gunicorn on PORT; `plain` skips gunicorn.conf.py (no access log, no
    recycling), as a comparison with another app's server needs."""
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            *(["--config", "/dev/null"] if plain else []),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=bench_env(),
    )
    return wait_up(process, f"http://127.0.0.1:{PORT}/healthz", "gunicorn")


def wait_up(process: subprocess.Popen, url: str, what: str) -> subprocess.Popen:
    """Wait until `url` answers (a busy machine boots workers slowly)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"{what} did not come up")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


def summary(latencies: list[float], seconds: float) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "rps": len(ordered) / seconds,
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1] * 1000,
    }
