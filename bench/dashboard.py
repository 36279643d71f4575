"""Measure the dashboard's server time and query count on a bulk-loaded dataset.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/redress_dash_bench \
        .venv/bin/python bench/dashboard.py [--runs 15] [--refresh 1000]

Load the data first with `bench/dataset.py` (it builds the facts). Each
scenario (page or API, a manager or a team lead, the last 90 days or all
time) is requested in-process through Django's test client — the full view,
metrics and template, without the network — after warm-up requests; it
prints p50/p95/max in ms and the number of SQL queries of every run. Nothing
is cached between views, so every view is cold as far as the application is
concerned (the database's buffers are warm). Then it prints the size of the
facts against the cases table and, with `--refresh N`, escalates N cases
through the services and times the refresh that folds them in (as beat does
every minute: this changes the data).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from complaints.models import Case, Event, Offer  # noqa: E402
from dashboards.facts import facts_refresh  # noqa: E402
from followups.models import FollowUp  # noqa: E402

SCENARIOS = [
    ("page", "manager", "/dashboard/?period=90d"),
    ("page", "manager", "/dashboard/?period=all"),
    ("page", "lead", "/dashboard/?period=90d"),
    ("page", "lead", "/dashboard/?period=all"),
    ("page", "manager", "/dashboard/?period=90d&priority=high&channel=email"),
    ("api", "manager", "/api/v1/metrics/summary/?period=90d"),
    ("api", "manager", "/api/v1/metrics/summary/?period=all"),
]
SIZES = ["complaints_case", "dashboards_casefacts", "dashboards_rollup"]
DASH_INDEXES = r"""
SELECT coalesce(sum(pg_relation_size(i.indexrelid)), 0),
    coalesce(sum(pg_relation_size(i.indexrelid))
             FILTER (WHERE t.relname = 'complaints_case'), 0)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
WHERE c.relname LIKE 'dash\_%'
"""


def measure(client: Client, url: str, runs: int, warmups: int) -> dict:
    for _ in range(warmups):
        assert client.get(url).status_code == 200, url
    times, queries = [], set()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        queries.add(len(captured))
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "max": times[-1],
        "queries": sorted(queries),
    }


def sizes() -> None:
    found = {}
    with connection.cursor() as cursor:
        for table in SIZES:
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            (size,) = cursor.fetchone()
            print(f"  {table:24} {size / 2**20:8.1f} MiB (with indexes and TOAST)")
            found[table] = size
    derived = sum(found[t] for t in SIZES[1:])
    print(f"  derived / cases: {derived / found[SIZES[0]]:.2f}")
    # The indexes the dashboards add to the tables they read (migrations
    # named dash_*) are derived data too: counted as such, and taken out of
    # the cases table they would otherwise swell.
    with connection.cursor() as cursor:
        cursor.execute(DASH_INDEXES)
        (indexes, on_cases) = cursor.fetchone()
    print(
        f"  the dashboards' indexes on other tables {indexes / 2**20:.1f} MiB "
        f"({on_cases / 2**20:.1f} on the cases table)"
    )
    whole = (derived + indexes) / (found[SIZES[0]] - on_cases)
    print(f"  derived with those indexes / cases without them: {whole:.2f}")


def refresh_cost(n: int) -> None:
    """Time the refresh after `n` open cases were escalated through the
    services (a change dated now), and after `n` cases filed over the whole
    range moved to another category (every month they count in changes)."""
    from complaints.models import Category
    from complaints.services import case_escalate, case_update

    manager = get_user_model().objects.get(username="bench-manager")
    cases = Case.objects.filter(escalation_level=0, closed_at__isnull=True)
    escalate = list(cases.order_by("-pk")[:n])
    every = Case.objects.count() // n or 1
    moved = list(Case.objects.filter(pk__in=range(1, n * every, every)))
    categories = list(Category.objects.order_by("pk"))

    def recategorise(case: Case) -> None:
        other = [c for c in categories if c.pk != case.category_id]
        case_update(case=case, by=manager, category=other[case.pk % len(other)])

    for what, change in (
        ("escalated", lambda c: case_escalate(case=c, level=1, by=manager, reason="b")),
        ("moved to another category", recategorise),
    ):
        facts_refresh()
        chosen = escalate if what == "escalated" else moved
        for case in chosen:
            change(case)
        time.sleep(1)
        connection.queries_log.clear()  # the changes' own queries overflow it
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            done = facts_refresh()
            ms = (time.perf_counter() - started) * 1000
        print(
            f"refresh after {len(chosen)} cases {what}: {done} cases rewritten in "
            f"{ms:.0f} ms, {len(captured)} queries; load average "
            f"{' '.join(f'{n:.2f}' for n in os.getloadavg())}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--refresh", type=int, default=0, metavar="N")
    parser.add_argument(
        "--only", default="", help="comma-separated scenario numbers (0-based)"
    )
    parser.add_argument(
        "--facts-only",
        action="store_true",
        help="read every period from the facts, not the rollup (as before it)",
    )
    args = parser.parse_args()
    if args.facts_only:
        from dashboards.metrics import figures

        figures.LONG = 10**6
    users = get_user_model().objects
    clients = {}
    for role, name in (("manager", "bench-manager"), ("lead", "lead-team-0")):
        clients[role] = Client(HTTP_HOST="127.0.0.1")
        clients[role].force_login(users.get(username=name))
    print(
        f"dataset: {Case.objects.count()} cases, {Offer.objects.count()} offers, "
        f"{FollowUp.objects.count()} follow-ups, {Event.objects.count()} events; "
        f"{os.cpu_count()} cores; {args.runs} runs after {args.warmups} warm-ups; "
        f"load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}"
    )
    print(f"{'what':5} {'who':8} {'url':58} {'p50':>7} {'p95':>7} {'max':>7}  queries")
    facts_refresh()  # as beat does every minute
    chosen = [int(n) for n in args.only.split(",") if n] or range(len(SCENARIOS))
    for number in chosen:
        kind, role, url = SCENARIOS[number]
        r = measure(clients[role], url, args.runs, args.warmups)
        print(
            f"{kind:5} {role:8} {url:58} {r['p50']:7.0f} {r['p95']:7.0f} "
            f"{r['max']:7.0f}  {r['queries']}"
        )
    print("sizes:")
    sizes()
    if args.refresh:
        refresh_cost(args.refresh)


if __name__ == "__main__":
    main()
