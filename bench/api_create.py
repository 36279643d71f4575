"""Benchmark: filing over the API — Redress vs django-helpdesk 2.6.1 vs bare DRF.

    .venv/bin/python bench/api_create.py [--seconds 10] [--rounds 2]
        [--connections 8] [--workers 5] [--inprocess 1000]

1. In-process (Django test client, this process): the SQL queries of one
   create without and with an `Idempotency-Key`, then the CPU time per create
   over `--inprocess` creates each way (time.process_time: the client, the
   app and the driver, not PostgreSQL).
2. Over HTTP: Redress (gunicorn config.wsgi, DEBUG=0, database
   `redress_api_bench`) and django-helpdesk's ticket-create API with a bare
   DRF view beside it (`bench/helpdesk_rig.py`: a throwaway venv from PyPI,
   database `redress_helpdesk_bench`) run side by side, both under gunicorn
   with the same flags (`--config /dev/null`, `--workers` sync workers), on
   the same PostgreSQL. `--connections` client threads (one connection per
   request, as sync workers close them) load each endpoint for `--seconds`,
   alternating helpdesk, Redress, Redress with Idempotency-Key, bare DRF,
   `--rounds` times. Prints each run, the totals, p95, errors, the ratios,
   the core count and the load average.
"""

import argparse
import http.client
import json
import os
import threading
import time
import uuid

import helpdesk_rig
from api_support import (
    PORT,
    SECRET,
    create_database,
    issue_key,
    setup_django,
    start_gunicorn,
    stop,
)


def body(n: int) -> bytes:
    return json.dumps(
        {
            "customer": {
                "email": f"bench{n}-{uuid.uuid4().hex[:6]}@example.com",
                "name": f"Bench Customer {n}",
            },
            "subject": "Parcel arrived broken",
            "description": "The vase was in pieces when I opened the box.",
            "priority": "normal",
            "metadata": {"order": f"SO-{n}"},
        }
    ).encode()


def ticket(n: int, queue: int) -> bytes:
    return json.dumps(
        {
            "queue": queue,
            "title": "Parcel arrived broken",
            "description": "The vase was in pieces when I opened the box.",
            "submitter_email": f"bench{n}-{uuid.uuid4().hex[:6]}@example.com",
            "priority": 3,
        }
    ).encode()


class Target:
    """One endpoint under load: where, and how each request is made."""

    def __init__(self, label, port, method, path, token=None, make=None, idem=False):
        self.label, self.port, self.method, self.path = label, port, method, path
        self.token, self.make, self.idem = token, make, idem

    def request(self, n: int) -> tuple[str, bytes | None, dict]:
        headers = {"Authorization": f"Token {self.token}"} if self.token else {}
        payload = None
        if self.make is not None:
            payload = self.make(n)
            headers["Content-Type"] = "application/json"
        if self.idem:
            headers["Idempotency-Key"] = uuid.uuid4().hex
        return self.path, payload, headers


def load(target: Target, seconds: float, connections: int) -> dict:
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    lock, counter = threading.Lock(), iter(range(10**9))
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        while time.perf_counter() < deadline:
            with lock:
                n = next(counter)
            path, payload, headers = target.request(n)
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
                conn.request(target.method, path, payload, headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                status = str(response.status)
            except OSError as exc:
                status = type(exc).__name__
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    pool = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {
        "seconds": time.perf_counter() - started,
        "latencies": latencies,
        "statuses": statuses,
        "load": os.getloadavg()[0],
    }


def inprocess(key: str, creates: int) -> dict[str, float]:
    """Queries per create (without/with key) and CPU ms per create, in-process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {key}")

    def create(n: int, idem: bool):
        extra = {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex} if idem else {}
        response = client.post(
            "/api/v1/complaints/", body(n), content_type="application/json", **extra
        )
        assert response.status_code == 201, response.content
        return response

    out: dict[str, float] = {}
    for idem in (False, True):
        label = "with Idempotency-Key" if idem else "without Idempotency-Key"
        create(0, idem)  # warm: first-use memos, the year's reference counter row
        with CaptureQueriesContext(connection) as captured:
            create(1, idem)
        out[f"queries {label}"] = len(captured)
        cpu = time.process_time()
        for n in range(creates):
            create(n, idem)
        out[f"CPU ms/create {label}"] = (time.process_time() - cpu) * 1000 / creates
    return out


def ensure_policy() -> None:
    from datetime import time as clock

    from sla.models import Calendar, SlaPolicy, WorkingHours

    if SlaPolicy.objects.filter(priority="normal", active=True).exists():
        return
    calendar, _ = Calendar.objects.get_or_create(name="Bench hours")
    for day in range(5):
        WorkingHours.objects.get_or_create(
            calendar=calendar, weekday=day, opens=clock(9), closes=clock(17)
        )
    SlaPolicy.objects.create(
        name="Bench normal",
        priority="normal",
        calendar=calendar,
        first_response_minutes=240,
        resolution_minutes=2400,
        escalation_minutes=480,
    )


def totals(runs: list[dict]) -> dict:
    latencies = sorted(x for run in runs for x in run["latencies"])
    seconds = sum(run["seconds"] for run in runs)
    statuses: dict[str, int] = {}
    for run in runs:
        for status, count in run["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    ok = sum(c for s, c in statuses.items() if s.startswith("2"))
    return {
        "rps": ok / seconds,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p95": latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000,
        "errors": len(latencies) - ok,
        "statuses": statuses,
        "load": max(run["load"] for run in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--inprocess", type=int, default=1000)
    args = parser.parse_args()
    setup_django()
    ensure_policy()
    key = issue_key(name="bench create")
    measured = inprocess(key, args.inprocess)
    rig = helpdesk_rig.prepare(SECRET, create_database)
    targets = [
        Target(
            "django-helpdesk POST /api/tickets/",
            helpdesk_rig.PORT,
            "POST",
            "/helpdesk/api/tickets/",
            rig["token"],
            lambda n: ticket(n, rig["queue"]),
        ),
        Target(
            "Redress POST /api/v1/complaints/",
            PORT,
            "POST",
            "/api/v1/complaints/",
            key,
            body,
        ),
        Target(
            "Redress POST + Idempotency-Key",
            PORT,
            "POST",
            "/api/v1/complaints/",
            key,
            body,
            idem=True,
        ),
        Target("bare DRF GET /bare/", helpdesk_rig.PORT, "GET", "/bare/"),
    ]
    servers = [
        start_gunicorn(args.workers, plain=True),
        helpdesk_rig.start(SECRET, args.workers),
    ]
    runs: dict[str, list[dict]] = {t.label: [] for t in targets}
    try:
        for target in targets:  # warm every worker of both servers
            load(target, 2, args.connections)
        for round_ in range(args.rounds):
            for target in targets:
                run = load(target, args.seconds, args.connections)
                runs[target.label].append(run)
                done = sum(run["statuses"].values())
                print(
                    f"round {round_ + 1} {target.label:38} {done / run['seconds']:7.1f}"
                    f" req/s  load {run['load']:.1f}  {run['statuses']}",
                    flush=True,
                )
    finally:
        for server in servers:
            stop(server)
    print_report(args, measured, {label: totals(r) for label, r in runs.items()})


def print_report(args, measured: dict, result: dict) -> None:
    from complaints.models import Case

    print(
        f"\ncores: {os.cpu_count()}; gunicorn --workers {args.workers} (sync) for both "
        f"apps, DEBUG off, one PostgreSQL; {args.connections} connections, "
        f"{args.rounds} alternating rounds of {args.seconds:g} s; Redress cases in "
        f"its bench database after the run: {Case.objects.count()}"
    )
    for label, value in measured.items():
        print(f"in-process ({args.inprocess} creates) {label}: {value:.1f}")
    for label, r in result.items():
        print(
            f"{label:38} {r['rps']:7.1f} ok/s  p50 {r['p50']:6.1f} ms  "
            f"p95 {r['p95']:6.1f} ms  errors {r['errors']}  max load {r['load']:.1f}"
        )
    helpdesk, bare = (result[label] for label in (list(result)[0], list(result)[3]))
    for label in list(result)[1:3]:
        mine = result[label]["rps"]
        print(
            f"{label}: {mine / helpdesk['rps']:.2f}x django-helpdesk, "
            f"{mine / bare['rps']:.0%} of bare DRF"
        )


if __name__ == "__main__":
    main()
