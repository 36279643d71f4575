"""Beyond one database: a real streaming replica, and a backup restored elsewhere.

The replica test makes its own primary and standby clusters on free loopback
ports (initdb, then `pg_basebackup -R`), migrates the primary, and shows that
the dashboards read the replica (a paused replica keeps yesterday's figure)
while the case list reads the primary. The backup test dumps a database with
`pg_dump -Fc`, restores it into a new one with `pg_restore`, starts the app on
the copy and lists the same cases with the same API key.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from complaints.actors import Actor
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        pytest.skip("needs PostgreSQL's server binaries")
    return found[-1].parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*args: str, **kwargs) -> subprocess.CompletedProcess:
    command = list(args)
    if os.geteuid() == 0:  # the server refuses to run as root
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def _psql(port: int, sql: str, db: str = "postgres") -> str:
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", db]
        + ["-tAc", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


class Cluster:
    def __init__(self, bin_dir: Path, data: Path, port: int) -> None:
        self.bin, self.data, self.port = bin_dir, data, port

    def start(self) -> None:
        _as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.data.parent / f"{self.data.name}.log"),
            "-o",
            f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1",
            "-w",
            "start",
        )

    def stop(self) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--"] * (os.geteuid() == 0)
            + [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate"]
            + ["stop"],
            capture_output=True,
        )


@pytest.fixture
def primary_and_replica():
    """A primary with a streaming standby, both on loopback, removed afterwards."""
    bin_dir = _pg_bin()
    base = Path(f"/tmp/redress-replica-{os.getpid()}-{time.monotonic_ns()}")
    base.mkdir(mode=0o777)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    primary = Cluster(bin_dir, base / "primary", _free_port())
    replica = Cluster(bin_dir, base / "replica", _free_port())
    try:
        _as_postgres(
            str(bin_dir / "initdb"),
            "-D",
            str(primary.data),
            "-U",
            "postgres",
            "--auth=trust",
        )
        with open(primary.data / "postgresql.conf", "a") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 4\nfsync = off\n")
        with open(primary.data / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        primary.start()
        _as_postgres(
            str(bin_dir / "pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(replica.data),
            "-R",
            "-X",
            "stream",
        )
        replica.start()
        _psql(primary.port, "CREATE DATABASE redress")
        yield primary, replica
    finally:
        replica.stop()
        primary.stop()
        shutil.rmtree(base, ignore_errors=True)


def _caught_up(primary: Cluster, replica: Cluster) -> bool:
    sent = _psql(primary.port, "SELECT pg_current_wal_lsn()")
    replayed = _psql(
        replica.port, f"SELECT pg_last_wal_replay_lsn() >= '{sent}'::pg_lsn"
    )
    return replayed == "t"


PROBE = """
import json
from datetime import date
from django.core.cache import cache
from django.test import Client
from teams.models import Team
from teams.services import staff_create
from tests.factories import FACTORY, CaseFactory
from django.contrib.auth import get_user_model
from dashboards.facts import facts_refresh

step = {step!r}
if step == "seed":
    team = Team.objects.create(name="Care", slug="care")
    staff_create(username="boss", password=None, role="manager", by=FACTORY)
    for _ in range(2):
        CaseFactory.file(team=team)
elif step == "file":
    CaseFactory.file(team=Team.objects.get(slug="care"))
if step != "look":
    # Beat's refresh, on the primary: the facts the dashboards read.
    facts_refresh()
cache.clear()
client = Client()
client.force_login(get_user_model().objects.get(username="boss"))
today = date.today().isoformat()
summary = client.get(f"/api/v1/metrics/summary/?from={{today}}&to={{today}}")
listed = client.get("/api/v1/complaints/?page_size=50")
print(json.dumps({{
    "summary": summary.status_code,
    "opened": summary.json().get("opened"),
    "listed": len(listed.json()["results"]),
}}))
"""


def _probe(env: dict, step: str) -> dict:
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", PROBE.format(step=step)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_dashboards_read_the_replica_and_the_case_list_the_primary(
    primary_and_replica,
):
    primary, replica = primary_and_replica
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DEBUG": "1",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{primary.port}/redress",
        "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{replica.port}/redress",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    migrate = subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr[-2000:]

    seeded = _probe(env, "seed")
    assert seeded == {"summary": 200, "opened": seeded["opened"], "listed": 2}
    wait_until(lambda: _caught_up(primary, replica), 30, what="replica catch-up")
    assert _probe(env, "look")["opened"] == 2

    # Stop replaying: the replica now lags behind the primary.
    _psql(replica.port, "SELECT pg_wal_replay_pause()")
    lagging = _probe(env, "file")
    assert lagging == {"summary": 200, "opened": 2, "listed": 3}

    _psql(replica.port, "SELECT pg_wal_replay_resume()")
    wait_until(lambda: _caught_up(primary, replica), 30, what="replica catch-up")
    assert _probe(env, "look") == {"summary": 200, "opened": 3, "listed": 3}
    # The router never migrates or writes the replica: it refuses writes anyway.
    assert _psql(replica.port, "SELECT pg_is_in_recovery()") == "t"


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_new_database_serves_the_same_cases(tmp_path, team):
    from api.services import api_client_create
    from tests.factories import CaseFactory

    references = sorted(CaseFactory.file(team=team).reference for _ in range(3))
    _client, key = api_client_create(
        name="backup check",
        username=None,
        scopes=["complaints:read"],
        by=Actor.system("tests"),
    )
    from complaints.models import Case

    Case.objects.update(api_client=_client)

    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", str(db["PORT"] or 5432)
    dump = tmp_path / "redress.dump"
    restored = f"{db['NAME']}_restored"
    base = ["-h", host, "-p", port, "-U", db["USER"] or "postgres"]
    subprocess.run(["pg_dump", *base, "-Fc", "-f", str(dump), db["NAME"]], check=True)
    subprocess.run(["dropdb", *base, "--if-exists", restored], check=True)
    subprocess.run(["createdb", *base, restored], check=True)
    try:
        subprocess.run(
            ["pg_restore", *base, "--no-owner", "-d", restored, str(dump)], check=True
        )
        web_port = _free_port()
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DEBUG": "1",
            "DATABASE_URL": f"postgres://{db['USER']}@{host}:{port}/{restored}",
        }
        env.pop("DATABASE_REPLICA_URL", None)
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{web_port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            import urllib.request

            def listed():
                request = urllib.request.Request(
                    f"http://127.0.0.1:{web_port}/api/v1/complaints/",
                    headers={"Authorization": f"Token {key}"},
                )
                try:
                    with urllib.request.urlopen(request, timeout=5) as response:
                        return json.loads(response.read())
                except OSError:
                    return None

            body = wait_until(listed, 60, step=0.5, what="the restored app")
            assert sorted(c["reference"] for c in body["results"]) == references
        finally:
            server.terminate()
            server.wait(15)
    finally:
        subprocess.run(["dropdb", *base, "--if-exists", "--force", restored])
