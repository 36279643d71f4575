"""Benchmark: 1,000 events delivered as signed webhooks to a local receiver.

    REDIS_URL=redis://127.0.0.1:6379/8 .venv/bin/python bench/webhooks.py \
        [--events 1000] [--batch 100] [--concurrency 4] [--slow]

On the throwaway database `redress_webhooks_bench`, subscribes a service
client to `case.escalated`, starts a real Celery worker (prefork,
`--concurrency` processes, Redis broker), then records the events in
transactions of `--batch` (as a due pass would) so the event stream fans
them out to the outbox after each commit. A receiver on 127.0.0.1 verifies
every signature with `standardwebhooks` and counts each `webhook-id`.
Prints the time until all are delivered, deliveries per second, the latency
from commit to receipt (p50/p95/max), and checks each event arrived exactly
once — also after the beat pass has run. `--slow` adds a second subscription
whose receiver never answers within the timeout, to show the healthy one
keeps its pace.
"""

import argparse
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "redress_webhooks_bench"
SERVER = "postgres://postgres@127.0.0.1:5432"
SECRET = "bench-only-secret-key-not-for-production-0123456789abcdef"


def bench_env(redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{SERVER}/{BENCH_DB}",
        REDIS_URL=redis_url,
        DEBUG="0",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",  # required with DEBUG off
        WEBHOOK_ALLOW_PRIVATE="1",  # the receiver listens on 127.0.0.1
        WEBHOOK_TIMEOUT="2",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    import psycopg2

    conn = psycopg2.connect(f"{SERVER}/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{BENCH_DB}"')
    conn.close()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Receiver:
    """Count each webhook-id and verify each signature; answer after `delay`."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.verifier = None  # set once the subscription's secret is known
        self.seen: dict[str, int] = {}
        self.arrived: dict[str, float] = {}
        self.bad_signatures = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                if receiver.delay:
                    time.sleep(receiver.delay)
                receiver.take(dict(self.headers.items()), body)
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def take(self, headers: dict[str, str], body: bytes) -> None:
        ok = True
        if self.verifier is not None:
            try:
                self.verifier.verify(body, headers)
            except Exception:
                ok = False
        with self.lock:
            msg_id = headers.get("webhook-id", "")
            self.seen[msg_id] = self.seen.get(msg_id, 0) + 1
            self.arrived.setdefault(msg_id, time.monotonic())
            self.bad_signatures += not ok

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def start_worker(env: dict[str, str], concurrency: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "config",
            "worker",
            "--concurrency",
            str(concurrency),
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )


def record(events: int, batch: int) -> dict[str, float]:
    """Record `events` escalations in transactions of `batch`; return commit times."""
    from django.db import transaction

    from complaints.actors import Actor
    from complaints.models import Case, EventKind
    from complaints.timeline import record_events

    cases = list(Case.objects.filter(api_client__name="webhook bench")[:10])
    committed: dict[str, float] = {}
    done = 0
    while done < events:
        size = min(batch, events - done)
        with transaction.atomic():
            made = record_events(
                [
                    (cases[i % len(cases)], EventKind.ESCALATED, {"after": 1})
                    for i in range(size)
                ],
                by=Actor.system("bench"),
            )
        now = time.monotonic()  # the fan-out ran on commit, inside the block's exit
        committed.update({f"evt_{event.pk}": now for event in made})
        done += size
    return committed


def prepare(healthy: Receiver, slow: Receiver | None):
    from standardwebhooks.webhooks import Webhook

    from api.services import api_client_create
    from complaints.actors import Actor
    from complaints.services import case_file
    from customers.models import Customer
    from webhooks.models import WebhookSubscription
    from webhooks.services import subscription_create

    WebhookSubscription.objects.all().delete()
    client, _ = api_client_create(
        name="webhook bench", scopes=["webhooks:manage"], by=Actor.system("bench")
    )
    for n in range(10):
        customer = Customer.objects.create(
            name=f"Bench {n}", email=f"bench{n}-{time.time_ns()}@example.com"
        )
        case_file(
            customer=customer,
            subject="Bench",
            description="x",
            api_client=client,
            by=Actor.system("bench"),
        )
    subscription, secret = subscription_create(
        client=client,
        url=healthy.url,
        events=["case.escalated"],
        by=Actor.system("bench"),
    )
    healthy.verifier = Webhook(secret)
    if slow is not None:
        subscription_create(
            client=client,
            url=slow.url,
            events=["case.escalated"],
            by=Actor.system("bench"),
        )
    return subscription


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--slow", action="store_true")
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        sys.exit("Set REDIS_URL (the worker needs a broker).")
    env = bench_env(redis_url)
    setup_django(env)

    from config.celery import app
    from webhooks.models import DeliveryStatus, WebhookDelivery
    from webhooks.tasks import deliveries_queue_due

    app.control.purge()
    healthy = Receiver()
    slow = Receiver(delay=5.0) if args.slow else None
    subscription = prepare(healthy, slow)
    worker = start_worker(env, args.concurrency)
    time.sleep(4)  # the worker's processes start
    try:
        started = time.monotonic()
        committed = record(args.events, args.batch)
        recorded = time.monotonic() - started
        deadline = time.monotonic() + 300
        while len(healthy.seen) < args.events and time.monotonic() < deadline:
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        deliveries_queue_due()  # the beat's pass: nothing due may go out again
        time.sleep(3)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    delivered = WebhookDelivery.objects.filter(
        subscription=subscription, status=DeliveryStatus.DELIVERED
    ).count()
    latency = [
        healthy.arrived[i] - committed[i] for i in committed if i in healthy.arrived
    ]
    dupes = sum(1 for count in healthy.seen.values() if count > 1)
    print(f"cores: {os.cpu_count()}, worker processes: {args.concurrency}")
    print(f"events: {args.events} in transactions of {args.batch}")
    print(f"recording (with fan-out to the outbox): {recorded:.2f} s")
    print(
        f"all delivered after: {elapsed:.2f} s "
        f"({len(healthy.seen) / elapsed:.0f} deliveries/s)"
    )
    if latency:
        print(
            f"commit → receipt: p50 {percentile(latency, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(latency, 0.95) * 1000:.0f} ms, "
            f"max {max(latency) * 1000:.0f} ms"
        )
    print(
        f"received: {len(healthy.seen)} distinct, {sum(healthy.seen.values())} "
        f"requests, {dupes} duplicated, {healthy.bad_signatures} bad signatures; "
        f"rows delivered: {delivered}"
    )
    if slow is not None:
        print(f"slow receiver (never answers within 2 s): {len(slow.seen)} tried")
    exactly_once = (
        len(healthy.seen) == args.events
        and dupes == 0
        and delivered == args.events
        and healthy.bad_signatures == 0
    )
    print("each event exactly once: " + ("yes" if exactly_once else "NO"))
    sys.exit(0 if exactly_once else 1)


if __name__ == "__main__":
    main()
