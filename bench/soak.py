"""Soak with faults: the whole product under load for N minutes while parts of it fail.

    .venv/bin/python bench/soak.py [--minutes 10] [--clients 4]

Everything runs on this machine, on loopback, and stops by itself: a private
redis-server (port 6395), two gunicorn instances (8121, 8122; 2 workers each),
two Celery workers and a beat ticking every 5 s, on the throwaway database
`redress_soak` (dropped and made again). API clients file and work complaints
through a round-robin of the two instances (a refused connection is retried on
the other, as a load balancer would); deadlines are minutes long so warnings
and escalations fall due throughout; customers reply by email through
`ingest_email` when the email channel is installed; webhooks go to a local
receiver when webhooks are installed.

Faults, at fixed fractions of the run: a worker SIGKILLed and restarted (20%),
Redis restarted (40%), every database connection terminated (60%), one web
instance stopped for 20 s and started again (80%). Each fault opens an outage
window (its length plus 15 s); 5xx answers are counted inside and outside.

At the end, after a drain: every filed complaint present exactly once, each
outbox email sent once (by Message-ID), each webhook event delivered once per
subscription, the latency percentiles and throughput.
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
from teams.services import staff_create
team = Team.objects.create(name="Care", slug="care")
calendar = Calendar.objects.create(name="Always", time_zone="UTC")
for day in range(7):
    WorkingHours.objects.create(calendar=calendar, weekday=day, opens=time(0),
                                closes=time(23, 59))
SlaPolicy.objects.create(name="Soak", priority="normal", calendar=calendar,
    first_response_minutes=3, resolution_minutes=6, escalation_minutes=3)
lead = staff_create(username="lead", password=None, role="team_lead", teams=[team],
                    email="lead@staff.example")
staff_create(username="boss", password=None, role="manager", email="boss@staff.example")
from complaints.models import Category
Category.objects.get_or_create(slug="soak", defaults={"name": "Soak", "default_team": team})
from api.models import Scope
scopes = [s for s in ("complaints:write", "complaints:read", "cases:manage",
                      "webhooks:manage") if s in Scope.values]
_c, service = api_client_create(name="soak shop", username=None, scopes=scopes)
_c, lead_key = api_client_create(name="soak lead", username="lead", scopes=scopes)
print(json.dumps({"service": service, "lead": lead_key}))
"""


class Load:
    """Clients working complaints through the round-robin, with their timings."""

    def __init__(self, keys: dict, windows: list) -> None:
        self.keys, self.windows = keys, windows
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.errors_outside: list[str] = []
        self.unavailable_inside = 0
        self.unclean_inside: list[str] = []
        self.filed: dict[str, str] = {}  # idempotency key -> reference
        self.lock = threading.Lock()
        self.turn = 0

    def call(self, method: str, path: str, key: str, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(len(WEB_PORTS)):
            with self.lock:
                self.turn += 1
                port = WEB_PORTS[(self.turn + attempt) % len(WEB_PORTS)]
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}",
                data=data,
                method=method,
                headers={
                    "Authorization": f"Token {key}",
                    "Content-Type": "application/json",
                    **(headers or {}),
                },
            )
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, payload = response.status, response.read()
            except urllib.error.HTTPError as error:
                status, payload = error.code, error.read()
            except OSError:
                continue  # the balancer tries the other instance
            self.record(status, time.perf_counter() - started, f"{method} {path}")
            try:
                return status, json.loads(payload or b"null")
            except ValueError:
                return status, None
        return 0, None

    def record(self, status: int, seconds: float, what: str) -> None:
        now = time.monotonic()
        inside = any(start <= now <= end for start, end in self.windows)
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] += 1
            if status >= 500:
                if inside and status == 503:
                    self.unavailable_inside += 1
                elif inside:
                    self.unclean_inside.append(f"{status} {what}")
                else:
                    self.errors_outside.append(f"{status} {what}")

    def client(self, until: float, n: int) -> None:
        i = 0
        while time.monotonic() < until:
            i += 1
            idem = f"soak-{n}-{i}-{uuid.uuid4().hex[:6]}"
            body = {
                "customer": {"email": f"c{n}x{i}@example.com", "name": f"C {n}/{i}"},
                "subject": f"Soak complaint {n}/{i}",
                "description": "It broke during the soak.",
                "category": "soak",
            }
            for _ in range(5):  # retried with the same key until it lands
                status, case = self.call(
                    "POST",
                    "/api/v1/complaints/",
                    self.keys["service"],
                    body,
                    {"Idempotency-Key": idem},
                )
                if status == 201:
                    with self.lock:
                        self.filed[idem] = case["reference"]
                    break
                time.sleep(1)
            else:
                continue
            reference = case["reference"]
            self.call("GET", f"/api/v1/complaints/{reference}/", self.keys["service"])
            if i % 3 == 0:
                self.call(
                    "PATCH",
                    f"/api/v1/complaints/{reference}/",
                    self.keys["lead"],
                    {"assignee": "lead"},
                )
                self.call(
                    "POST",
                    f"/api/v1/complaints/{reference}/messages/",
                    self.keys["lead"],
                    {"body": "We are looking into it today.", "visibility": "customer"},
                )
            self.call("GET", "/api/v1/complaints/?page_size=20", self.keys["lead"])


class Receiver(BaseHTTPRequestHandler):
    seen: Counter = Counter()

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Receiver.seen[self.headers.get("webhook-id", "?")] += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def replies(stack: Stack, load: Load, until: float, maildir: Path) -> Counter:
    """Customers answer by email every 15 s through `ingest_email`, when it exists."""
    outcomes: Counter = Counter()
    for sub in ("tmp", "new", "cur"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    while time.monotonic() < until:
        time.sleep(15)
        with load.lock:
            references = list(load.filed.values())[-5:]
        for reference in references:
            message = EmailMessage()
            message["From"] = "customer@example.com"
            message["To"] = "care@example.com"
            message["Subject"] = f"Re: [{reference}] your complaint"
            message["Message-ID"] = f"<{uuid.uuid4().hex}@customer.example>"
            message.set_content("Thank you, any news?")
            (maildir / "new" / f"{uuid.uuid4().hex}.eml").write_bytes(
                message.as_bytes()
            )
        done = stack.manage("ingest_email", str(maildir))
        for line in done.stdout.splitlines():
            outcomes[line.split(" ")[0].rstrip(":")] += 1
    return outcomes


def faults(stack: Stack, start: float, seconds: float, windows: list) -> list[str]:
    done = []

    def at(fraction: float) -> None:
        time.sleep(max(0.0, start + seconds * fraction - time.monotonic()))

    def window(length: float) -> None:
        windows.append((time.monotonic(), time.monotonic() + length + 15))

    at(0.2)
    window(5)
    stack.stop("worker1", signal.SIGKILL)
    time.sleep(5)
    stack.worker(1)
    done.append("worker1 SIGKILLed and restarted")
    at(0.4)
    window(3)
    stack.stop("redis", signal.SIGKILL)
    time.sleep(2)
    stack.redis()
    done.append("redis killed and restarted")
    at(0.6)
    window(3)
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DB, "-tAc"]
        + [
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ],
        capture_output=True,
    )
    done.append("database connections terminated")
    at(0.8)
    window(20)
    stack.stop("web2")
    time.sleep(20)
    stack.web(2)
    done.append("web2 stopped for 20 s and started")
    return done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    shutil.rmtree(VAR, ignore_errors=True)
    (VAR / "mail").mkdir(parents=True)
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB])
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    stack = Stack()
    stack.redis()
    assert stack.manage("migrate", "--noinput").returncode == 0
    seeded = stack.manage("shell", "-c", SEED)
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    keys = json.loads(seeded.stdout.strip().splitlines()[-1])
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    has_webhooks = (ROOT / "webhooks").is_dir()
    has_email = (ROOT / "mail").is_dir() or "ingest_email" in stack.manage(
        "help"
    ).stdout
    try:
        stack.web(1)
        stack.web(2)
        stack.worker(1)
        stack.worker(2)
        stack.start(
            "beat",
            str(BIN / "celery"),
            "-A",
            "bench.soak_beat:app",
            "beat",
            "-s",
            str(VAR / "beat-schedule"),
            "--loglevel=WARNING",
        )
        windows: list = []
        load = Load(keys, windows)
        time.sleep(8)
        if has_webhooks:
            status, body = load.call(
                "POST",
                "/api/v1/webhooks/",
                keys["service"],
                {
                    "url": f"http://127.0.0.1:{receiver.server_port}/hook",
                    "events": ["case.created", "message.created"],
                },
            )
            print(f"webhook subscription: {status}")
        seconds = args.minutes * 60
        start = time.monotonic()
        until = start + seconds
        threads = [
            threading.Thread(target=load.client, args=(until, n))
            for n in range(args.clients)
        ]
        fault_log: list[str] = []
        threads.append(
            threading.Thread(
                target=lambda: fault_log.extend(faults(stack, start, seconds, windows))
            )
        )
        ingest: Counter = Counter()
        if has_email:
            threads.append(
                threading.Thread(
                    target=lambda: ingest.update(
                        replies(stack, load, until, VAR / "maildir")
                    )
                )
            )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
        print("draining (outbox, webhooks) for up to 120 s …", flush=True)
        report = drain_and_check(stack, load, 120)
    finally:
        stack.stop_all()
        receiver.shutdown()
    ordered = sorted(load.latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000

    print(f"cores: {os.cpu_count()}  minutes: {args.minutes}  clients: {args.clients}")
    print(f"faults: {'; '.join(fault_log)}")
    print(
        f"requests: {len(ordered)}  throughput: {len(ordered) / elapsed:.1f}/s  "
        f"p50 {statistics.median(ordered) * 1000:.0f} ms  p95 {pct(0.95):.0f} ms  "
        f"p99 {pct(0.99):.0f} ms"
    )
    print(f"statuses: {dict(sorted(load.statuses.items()))}")
    print(
        f"5xx outside outage windows: {len(load.errors_outside)} "
        f"{load.errors_outside[:5]}; inside: {load.unavailable_inside} clean 503, "
        f"{len(load.unclean_inside)} other 5xx {load.unclean_inside[:5]}"
    )
    print(f"filed: {len(load.filed)}; {report['cases']}")
    print(f"emails: {report['emails']}")
    if has_email:
        print(f"email ingest outcomes: {dict(ingest)}")
    if has_webhooks:
        repeats = sum(c - 1 for c in Receiver.seen.values())
        print(
            f"webhooks: {len(Receiver.seen)} events received, {repeats} repeats; "
            f"{report.get('webhooks', '')}"
        )


CHECK = """
import json
from collections import Counter
from complaints.models import Case
from notifications.models import Outbox
refs = json.loads(open({refs!r}).read())
found = Counter(Case.objects.filter(reference__in=refs).values_list("reference", flat=True))
cases = Case.objects.filter(subject__startswith="Soak complaint").count()
out = {{
    "cases": f"{{sum(1 for r in refs if found[r] == 1)}} of {{len(refs)}} present once; "
             f"{{cases}} soak cases in the database",
    "pending": Outbox.objects.exclude(status="sent").count(),
    "outbox": Outbox.objects.count(),
}}
try:
    from webhooks.models import WebhookDelivery
    out["webhooks_pending"] = WebhookDelivery.objects.exclude(delivered_at=None).count()
except Exception:
    pass
print(json.dumps(out))
"""


def drain_and_check(stack: Stack, load: Load, seconds: float) -> dict:
    refs = VAR / "refs.json"
    refs.write_text(json.dumps(list(load.filed.values())))
    deadline = time.monotonic() + seconds
    while True:
        out = stack.manage("shell", "-c", CHECK.format(refs=str(refs)))
        result = json.loads(out.stdout.strip().splitlines()[-1])
        if result["pending"] == 0 or time.monotonic() > deadline:
            break
        time.sleep(5)
    ids: Counter = Counter()
    for path in (VAR / "mail").glob("*"):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("Message-ID:"):
                ids[line.split(":", 1)[1].strip()] += 1
    result["emails"] = (
        f"{result['outbox']} outbox rows, {result['pending']} not sent; "
        f"{len(ids)} distinct Message-IDs, {sum(ids.values()) - len(ids)} repeats"
    )
    return result


if __name__ == "__main__":
    sys.exit(main())
