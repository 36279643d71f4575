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
from collections import Counter
from http.server import ThreadingHTTPServer

from soak_load import Load, Receiver, replies
from soak_stack import BIN, DB, ROOT, SEED, VAR, Stack


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
