"""Benchmark: filing complaints over the API vs. a trivial endpoint of the same app.

    .venv/bin/python bench/api_create.py [--requests 2000] [--threads 8]

Starts gunicorn (config.wsgi, DEBUG=0, 5 sync workers, port 8110) on the
throwaway database `redress_api_bench`, then sends the same load — 8 client
threads — first to `GET /api/v1/ping/` (authenticated DRF view: the ceiling),
then to `POST /api/v1/complaints/` (each a new customer, with an
Idempotency-Key, so the safe path is measured). Prints requests/s, p50/p95
and the ratio, and the SQL queries per request measured in-process.
"""

import argparse
import http.client
import json
import os
import threading
import time
import uuid

from api_support import PORT, issue_key, setup_django, start_gunicorn, stop, summary


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


def load(key: str, method: str, path: str, total: int, threads: int) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock, counter = threading.Lock(), iter(range(total))

    def worker() -> None:
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            headers = {"Authorization": f"Token {key}"}
            payload = None
            if method == "POST":
                payload = body(n)
                headers["Content-Type"] = "application/json"
                headers["Idempotency-Key"] = uuid.uuid4().hex
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            started = time.perf_counter()
            conn.request(method, path, payload, headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            conn.close()
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    result = summary(latencies, time.perf_counter() - started)
    result["statuses"] = statuses
    return result


def queries_per_request(key: str) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {key}")
    counts = {}
    for label, call in (
        ("ping", lambda: client.get("/api/v1/ping/")),
        (
            "create",
            lambda: client.post(
                "/api/v1/complaints/", body(0), content_type="application/json"
            ),
        ),
        (
            "create with Idempotency-Key",
            lambda: client.post(
                "/api/v1/complaints/",
                body(1),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
            ),
        ),
    ):
        call()  # warm: first-use caches, the year's reference counter row
        with CaptureQueriesContext(connection) as captured:
            response = call()
        assert response.status_code in (200, 201), response.content
        counts[label] = len(captured)
    return counts


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    setup_django()
    ensure_policy()
    key = issue_key(name="bench create")
    queries = queries_per_request(key)
    server = start_gunicorn()
    try:
        load(key, "GET", "/api/v1/ping/", 200, args.threads)  # warm the workers
        load(key, "POST", "/api/v1/complaints/", 100, args.threads)
        ceiling = load(key, "GET", "/api/v1/ping/", args.requests, args.threads)
        create = load(key, "POST", "/api/v1/complaints/", args.requests, args.threads)
    finally:
        stop(server)
    print(
        f"cores: {os.cpu_count()}; gunicorn 5 sync workers, DEBUG=0, PostgreSQL; "
        f"{args.threads} client threads x {args.requests} requests per endpoint"
    )
    for label, result in (
        ("GET /api/v1/ping/ (ceiling)", ceiling),
        ("POST /api/v1/complaints/", create),
    ):
        print(
            f"{label:32} {result['rps']:7.1f} req/s  p50 {result['p50_ms']:6.1f} ms"
            f"  p95 {result['p95_ms']:6.1f} ms  statuses {result['statuses']}"
        )
    print(f"create / ceiling: {create['rps'] / ceiling['rps']:.0%}")
    print(
        "SQL queries per request: " + ", ".join(f"{k} {v}" for k, v in queries.items())
    )


if __name__ == "__main__":
    main()
