"""Benchmark: the case list at 100,000 cases — p95 latency and queries per page.

    .venv/bin/python bench/api_list.py [--cases 100000] [--reload]

Loads the dataset with `bench/api_load.py` (COPY in batches) into the
throwaway database `redress_api_bench` unless it already holds that many
cases, then times `GET /api/v1/complaints/` in process through the full Django
stack (middleware, key auth, throttle, filters, serializer; DEBUG=0), for a
manager and a team-scoped agent, over the filters integrators use most.
"""

import argparse
import os
import time

from api_support import issue_key, setup_django, summary

RUNS = 40
WARMUP = 5


def ensure_data(cases: int, reload: bool) -> None:
    from api_load import load

    from complaints.models import Case

    if not reload and Case.objects.count() == cases:
        return
    started = time.perf_counter()
    counts = load(cases)
    print(f"loaded {counts} in {time.perf_counter() - started:.0f} s")


def users() -> tuple[str, str]:
    from django.contrib.auth import get_user_model

    from teams.actors import Actor
    from teams.models import Team
    from teams.services import staff_create

    user_model = get_user_model()
    team = Team.objects.get(slug="care")
    for name, role, teams in (
        ("bench_manager", "manager", []),
        ("bench_agent", "agent", [team]),
    ):
        if not user_model.objects.filter(username=name).exists():
            staff_create(
                username=name,
                password="bench-pass-1234",
                role=role,
                teams=teams,
                by=Actor.system("bench"),
            )
    return (
        issue_key(name="bench list m", username="bench_manager"),
        issue_key(name="bench list a", username="bench_agent"),
    )


def measure(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    latencies = []
    for n in range(WARMUP + RUNS):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        if n >= WARMUP:
            latencies.append(elapsed)
    with CaptureQueriesContext(connection) as captured:
        rows = len(client.get(url).json()["results"])
    result = summary(latencies, sum(latencies))
    result.update(queries=len(captured), rows=rows)
    return result


def deep_cursor(client, pages: int) -> str:
    url = "/api/v1/complaints/"
    for _ in range(pages):
        url = client.get(url).json()["next"]
    return url.replace("http://127.0.0.1", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    setup_django()
    ensure_data(args.cases, args.reload)
    from django.test import Client

    from complaints.models import Case
    from customers.models import Customer

    manager_key, agent_key = users()
    manager = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {manager_key}")
    agent = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {agent_key}")
    customer = Customer.objects.order_by("id")[500]
    word = Case.objects.order_by("id")[123].subject.split()[0]
    scenarios = [
        ("manager, first page (50)", manager, "/api/v1/complaints/"),
        ("manager, page_size=200", manager, "/api/v1/complaints/?page_size=200"),
        ("manager, 20 pages deep", manager, deep_cursor(manager, 20)),
        ("manager, stage=resolving", manager, "/api/v1/complaints/?stage=resolving"),
        (
            "manager, urgent+escalated",
            manager,
            "/api/v1/complaints/?priority=urgent&escalated=true",
        ),
        ("manager, overdue=true", manager, "/api/v1/complaints/?overdue=true"),
        (
            "manager, created in a week",
            manager,
            "/api/v1/complaints/?created_after=2025-03-01&created_before=2025-03-08",
        ),
        (f"manager, q={word!r} (common)", manager, f"/api/v1/complaints/?q={word}"),
        (
            "manager, q=<customer email>",
            manager,
            f"/api/v1/complaints/?q={customer.email.split('@')[0]}",
        ),
        (
            "manager, q=<reference>",
            manager,
            f"/api/v1/complaints/?q={Case.objects.order_by('id')[4321].reference}",
        ),
        ("agent (own teams), first page", agent, "/api/v1/complaints/"),
        (
            "agent, q=<customer email>",
            agent,
            f"/api/v1/complaints/?q={customer.email.split('@')[0]}",
        ),
    ]
    print(
        f"cores: {os.cpu_count()}; cases: {Case.objects.count()}; customers: "
        f"{Customer.objects.count()}; {RUNS} timed requests per row, in process, "
        "DEBUG=0, PostgreSQL"
    )
    for label, client, url in scenarios:
        r = measure(client, url)
        print(
            f"{label:38} p50 {r['p50_ms']:6.1f} ms  p95 {r['p95_ms']:6.1f} ms  "
            f"queries {r['queries']}  rows {r['rows']}"
        )


if __name__ == "__main__":
    main()
