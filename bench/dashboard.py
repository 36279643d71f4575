"""Measure the dashboard's server time and query count on a bulk-loaded dataset.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/redress_dash_bench \
        .venv/bin/python bench/dashboard.py [--runs 15]

Load the data first with `bench/dataset.py`. Each scenario (page or API, a
manager or a team lead, the last 90 days or all time) is requested in-process
through Django's test client — the full view, metrics and template, without
the network — after two warm-up requests; it prints p50/p95/max in ms and
the number of SQL queries of every run (which must not vary). `--cold` turns
the summary cache off (the first view after a change to any case);
`--cold-long` also the 5-minute reuse of the percentiles and customer counts
of periods over 92 days (the first view of such a filter). The
rollups are brought up to date first, as beat does every minute; `--refresh`
also times what a view pays when they are not (it escalates 20 cases).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from complaints.models import Case, Event, Offer  # noqa: E402
from dashboards import metrics  # noqa: E402
from dashboards.rollups.refresh import rollups_refresh  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cold", action="store_true", help="turn the cache off")
    parser.add_argument(
        "--cold-long",
        action="store_true",
        help="also recompute the long-period percentiles and customer counts",
    )
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="also time the rollup refresh (escalates 20 cases: changes the data)",
    )
    parser.add_argument(
        "--only", default="", help="comma-separated scenario numbers (0-based)"
    )
    args = parser.parse_args()
    if args.cold:
        metrics.SUMMARY_SECONDS = 0  # as after any write: nothing cached to reuse
    if args.cold_long:
        metrics.LONG_SECONDS = 0  # as the first view of a long filter in 5 minutes
    users = get_user_model().objects
    clients = {}
    for role, name in (("manager", "bench-manager"), ("lead", "lead-team-0")):
        clients[role] = Client(HTTP_HOST="127.0.0.1")
        clients[role].force_login(users.get(username=name))
    print(
        f"dataset: {Case.objects.count()} cases, {Offer.objects.count()} offers, "
        f"{FollowUp.objects.count()} follow-ups, {Event.objects.count()} events; "
        f"{os.cpu_count()} cores; {args.runs} runs after {args.warmups} warm-ups; "
        f"{'cold (summary cache off)' if args.cold else 'warm cache'}"
        f"{'; long-period figures recomputed every view' if args.cold_long else ''}"
    )
    print(f"{'what':5} {'who':8} {'url':58} {'p50':>7} {'p95':>7} {'max':>7}  queries")
    rollups_refresh()  # as beat does every minute
    chosen = [int(n) for n in args.only.split(",") if n] or range(len(SCENARIOS))
    for number in chosen:
        kind, role, url = SCENARIOS[number]
        r = measure(clients[role], url, args.runs, args.warmups)
        print(
            f"{kind:5} {role:8} {url:58} {r['p50']:7.0f} {r['p95']:7.0f} "
            f"{r['max']:7.0f}  {r['queries']}"
        )
    if args.refresh:
        refresh_costs(users.get(username="bench-manager"))


def refresh_costs(manager) -> None:
    """What a view pays to bring the rollups up to date, in three situations."""
    from complaints.services import case_escalate

    print("rollup refresh before a view:")
    now = timezone.now()
    rollups_refresh(now=now)
    timed("nothing changed (within a minute)", lambda: rollups_refresh(now=now))
    later = now + timedelta(seconds=61)
    timed("nothing changed, a minute later (today)", lambda: rollups_refresh(now=later))
    open_cases = list(
        Case.objects.filter(stage="resolving", escalation_level=0).order_by("-pk")[:20]
    )
    for case in open_cases:
        case_escalate(case=case, level=1, by=manager, reason="bench")
    timed(f"{len(open_cases)} cases escalated", lambda: rollups_refresh())


def timed(label: str, run) -> None:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        done = run()
        ms = (time.perf_counter() - started) * 1000
    print(f"  {label:42} {ms:7.0f} ms  {len(captured)} queries  {done}")


if __name__ == "__main__":
    main()
