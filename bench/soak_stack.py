"""The soak's stack: its own Redis, web, workers and beat on loopback, and the seed.

`Stack` starts, stops and restarts each process of the product (so the soak
can fail them); `SEED` is the setup it runs once in the throwaway database.
Used by `soak.py`.
"""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv/bin"
DB = "redress_soak"
SERVER = "postgres://postgres@127.0.0.1:5432"
REDIS_PORT = 6395
WEB_PORTS = (8121, 8122)
VAR = ROOT / "var/soak"


class Stack:
    def __init__(self) -> None:
        self.procs: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "DATABASE_URL": f"{SERVER}/{DB}",
            "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "DEBUG": "1",  # plain HTTP on loopback; the settings are otherwise real
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(VAR / "mail"),
            "API_THROTTLE_RATE": "100000000/min",
            "WEBHOOK_ALLOW_PRIVATE": "1",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }

    def start(self, name: str, *args: str, **env: str) -> None:
        log = open(VAR / f"{name}.log", "ab")  # noqa: SIM115 - closed at stop
        self.procs[name] = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            os.killpg(proc.pid, sig)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def redis(self) -> None:
        self.start(
            "redis",
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        )
        time.sleep(0.5)

    def web(self, n: int) -> None:
        self.start(
            f"web{n}",
            str(BIN / "gunicorn"),
            "config.wsgi",
            "-c",
            "gunicorn.conf.py",
            GUNICORN_BIND=f"127.0.0.1:{WEB_PORTS[n - 1]}",
            WEB_CONCURRENCY="2",
        )

    def worker(self, n: int) -> None:
        self.start(
            f"worker{n}",
            str(BIN / "celery"),
            "-A",
            "config.celery:app",
            "worker",
            "--concurrency=2",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"soak{n}@%h",
            "--loglevel=WARNING",
        )

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)


SEED = """
import json
from datetime import time
from api.services import api_client_create
from sla.models import Calendar, SlaPolicy, WorkingHours
from teams.models import Team
from teams.actors import Actor
from teams.services import staff_create
by = Actor.system("bench")
team = Team.objects.create(name="Care", slug="care")
calendar = Calendar.objects.create(name="Always", time_zone="UTC")
for day in range(7):
    WorkingHours.objects.create(calendar=calendar, weekday=day, opens=time(0),
                                closes=time(23, 59))
SlaPolicy.objects.create(name="Soak", priority="normal", calendar=calendar,
    first_response_minutes=3, resolution_minutes=6, escalation_minutes=3)
lead = staff_create(username="lead", password=None, role="team_lead", teams=[team],
                    email="lead@staff.example", by=by)
staff_create(username="boss", password=None, role="manager", email="boss@staff.example",
             by=by)
from complaints.models import Category
Category.objects.get_or_create(slug="soak", defaults={"name": "Soak", "default_team": team})
from api.models import Scope
scopes = [s for s in ("complaints:write", "complaints:read", "cases:manage",
                      "webhooks:manage") if s in Scope.values]
_c, service = api_client_create(name="soak shop", username=None, scopes=scopes, by=by)
_c, lead_key = api_client_create(name="soak lead", username="lead", scopes=scopes,
                                 by=by)
print(json.dumps({"service": service, "lead": lead_key}))
"""
