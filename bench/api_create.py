"""Benchmark: filing over the API — Redress vs django-helpdesk 2.6.1 vs bare DRF.

    apt-get install -y wrk        # the load generator (Debian's package)
    .venv/bin/python bench/api_create.py [--seconds 10] [--rounds 2]
        [--connections 8] [--workers 5] [--inprocess 1000]

Run timing runs under the shared lock: `flock /work/wt/_notes/bench.lock …`.

1. In-process (Django test client, this process): the SQL queries of one
   create without and with an `Idempotency-Key`, then the CPU time per create
   over `--inprocess` creates each way (time.process_time: the client, the
   app and the driver, not PostgreSQL).
2. Over HTTP: Redress (gunicorn config.wsgi, DEBUG=0, database
   `redress_api_bench`) and django-helpdesk's ticket-create API with a bare
   DRF view beside it (`bench/helpdesk_rig.py`: a throwaway venv from PyPI,
   database `redress_helpdesk_bench`) run side by side, both under gunicorn
   with the same flags (`--config /dev/null`, `--workers` sync workers), on
   the same PostgreSQL. wrk (`--connections` connections, 2 threads; a Lua
   script gives every request its own customer email and, where asked, its
   own Idempotency-Key) loads each endpoint for `--seconds`, alternating
   helpdesk, Redress, Redress with Idempotency-Key, bare DRF, `--rounds`
   times. Prints each run, the totals, p50/p95 (wrk's), errors (non-2xx and
   socket errors), the ratios, the core count and the load average.
"""

import argparse
import json
import os
import subprocess
import tempfile
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

DESCRIPTION = "The vase was in pieces when I opened the box."


def body(ident: str) -> bytes:
    return json.dumps(
        {
            "customer": {
                "email": f"bench{ident}@example.com",
                "name": "Bench Customer",
            },
            "subject": "Parcel arrived broken",
            "description": DESCRIPTION,
            "priority": "normal",
            "metadata": {"order": f"SO-{ident}"},
        }
    ).encode()


def ticket(ident: str, queue: int) -> bytes:
    return json.dumps(
        {
            "queue": queue,
            "title": "Parcel arrived broken",
            "description": DESCRIPTION,
            "submitter_email": f"bench{ident}@example.com",
            "priority": 3,
        }
    ).encode()


class Target:
    """One endpoint under load: where, and how each request is made."""

    def __init__(self, label, port, method, path, token=None, make=None, idem=False):
        self.label, self.port, self.method, self.path = label, port, method, path
        self.token, self.make, self.idem = token, make, idem

    def lua(self) -> str:
        """A wrk script: a fresh id per request in the body (and the key)."""
        headers = {"Authorization": f"Token {self.token}"} if self.token else {}
        if self.make is not None:
            headers["Content-Type"] = "application/json"
        template = self.make("@ID@").decode() if self.make is not None else ""
        lines = [f'headers["{k}"] = [==[{v}]==]' for k, v in headers.items()]
        return LUA % {
            "headers": "\n".join(lines),
            "method": self.method,
            "path": self.path,
            "template": template,
            "idem": "true" if self.idem else "false",
            "has_body": "true" if self.make is not None else "false",
        }


LUA = """
local counter, threads = 0, {}
headers = {}
%(headers)s
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(os.time() * 1000 + tid)
  run = string.format("%%d%%d", os.time(), math.random(1, 999999))
end
request = function()
  counter = counter + 1
  local id = string.format("%%s-%%d-%%d", run, tid, counter)
  if %(idem)s then headers["Idempotency-Key"] = id end
  local payload = nil
  if %(has_body)s then payload = string.gsub([==[%(template)s]==], "@ID@", id) end
  return wrk.format("%(method)s", "%(path)s", headers, payload)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests": %%d, "duration_us": %%d, "non2xx": %%d, ' ..
    '"socket": %%d, "p50_us": %%d, "p95_us": %%d}\\n', summary.requests,
    summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95)))
end
"""


def load(target: Target, seconds: float, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(target.lua())
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds:g}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                f"http://127.0.0.1:{target.port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(x for x in out.splitlines() if x.startswith("WRK "))
    figures = json.loads(line[4:])
    return {
        **figures,
        "seconds": figures["duration_us"] / 1e6,
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
            "/api/v1/complaints/",
            body(f"{n}-{uuid.uuid4().hex[:8]}"),
            content_type="application/json",
            **extra,
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
    """Sums over a target's runs; p50/p95 are request-weighted means of wrk's."""
    requests = sum(run["requests"] for run in runs)
    errors = sum(run["non2xx"] + run["socket"] for run in runs)
    seconds = sum(run["seconds"] for run in runs)

    def weighted(name: str) -> float:
        return sum(run[name] * run["requests"] for run in runs) / requests / 1000

    return {
        "rps": (requests - errors) / seconds,
        "p50": weighted("p50_us"),
        "p95": weighted("p95_us"),
        "errors": errors,
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
            lambda ident: ticket(ident, rig["queue"]),
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
                print(
                    f"round {round_ + 1} {target.label:38} "
                    f"{run['requests'] / run['seconds']:7.1f} req/s  "
                    f"p95 {run['p95_us'] / 1000:6.1f} ms  errors "
                    f"{run['non2xx'] + run['socket']}  load {run['load']:.1f}",
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
        f"apps, DEBUG off, one PostgreSQL; wrk, {args.connections} connections, "
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
