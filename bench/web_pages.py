"""Benchmark: server time and query counts of the inbox and the case page.

Bulk-loads 100,000 cases (with deadlines, events, messages, offers and
follow-ups) into a throwaway PostgreSQL database, logs an agent in through
Django's test Client (the whole middleware and template stack, no network),
warms up, then times each page and prints p50/p95 and the SQL query count.

    .venv/bin/python bench/web_pages.py            # load once, then measure
    .venv/bin/python bench/web_pages.py --reload   # drop and reload the data

The database is BENCH_DATABASE_URL (default redress_web_bench on 127.0.0.1);
the script refuses any database whose name does not end in "_bench".
"""

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BENCH_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/redress_web_bench"
)
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("AXES_ENABLED", "0")
# Measure as deployed: DEBUG off (no template debug info); a throwaway key.
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "localhost")
# The test client speaks plain HTTP.
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["SECURE_COOKIES"] = "0"

CASES = 100_000
CUSTOMERS = 40_000
TEAMS = 4
AGENTS_PER_TEAM = 8
BATCH = 5_000
RUNS = 60


def ensure_database(reload: bool) -> bool:
    """Create the bench database; return True when it must be (re)loaded."""
    import psycopg2

    url = urlparse(BENCH_URL)
    name = url.path.lstrip("/")
    if not name.endswith("_bench"):
        raise SystemExit(f"refusing to use {name!r}: the name must end in _bench")
    admin = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user=url.username, dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cur.fetchone() is not None
        if exists and reload:
            cur.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return not exists


def load() -> None:
    """Migrate and bulk-load the dataset (benchmarks bulk-load; tests use services)."""
    rng = random.Random(42)
    now = datetime.now(UTC)
    started = time.perf_counter()
    teams, staff, bench_agent = _staff()
    policies = _policies()
    customers = _customers()
    cases = _cases(rng, now, teams, staff, bench_agent, customers, policies)
    _children(rng, now, cases, staff)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(f"loaded {len(cases):,} cases in {time.perf_counter() - started:.0f} s")


def _staff():
    from teams.actors import Actor
    from teams.models import Team
    from teams.services import staff_create

    teams = [
        Team.objects.create(name=f"Team {n}", slug=f"team-{n}") for n in range(TEAMS)
    ]
    staff = {
        t.pk: [
            staff_create(
                username=f"agent-{t.slug}-{i}",
                password=None,
                teams=[t],
                by=Actor.system("bench"),
            )
            for i in range(AGENTS_PER_TEAM)
        ]
        for t in teams
    }
    # The measured agent works two of the four teams: half the cases are visible.
    bench_agent = staff_create(
        username="bench-agent",
        password=None,
        teams=teams[:2],
        role="agent",
        by=Actor.system("bench"),
    )
    return teams, staff, bench_agent


def _policies():
    from datetime import time as wall

    from sla.models import Calendar, SlaPolicy, WorkingHours

    calendar = Calendar.objects.create(name="Office", time_zone="Europe/Berlin")
    WorkingHours.objects.bulk_create(
        WorkingHours(calendar=calendar, weekday=d, opens=wall(9), closes=wall(17))
        for d in range(5)
    )
    minutes = {"low": (960, 4800), "normal": (480, 2400), "high": (240, 960)}
    minutes["urgent"] = (60, 480)
    return {
        p: SlaPolicy.objects.create(
            name=p,
            priority=p,
            calendar=calendar,
            first_response_minutes=fr,
            resolution_minutes=res,
        )
        for p, (fr, res) in minutes.items()
    }


def _customers():
    from customers.models import Customer

    rows = [
        Customer(
            name=f"Customer {n}",
            email=f"customer{n}@example.com",
            consent_to_contact=n % 3 != 0,
        )
        for n in range(CUSTOMERS)
    ]
    return Customer.objects.bulk_create(rows, batch_size=BATCH)


STAGES = [
    ("closed", 70),
    ("new", 5),
    ("listening", 6),
    ("acknowledged", 6),
    ("resolving", 7),
    ("resolved", 3),
    ("following_up", 3),
]


def _cases(rng, now, teams, staff, bench_agent, customers, policies):
    from complaints.models import Case

    stages = [s for s, weight in STAGES for _ in range(weight)]
    rows = []
    for n in range(CASES):
        team = teams[n % TEAMS]
        stage = rng.choice(stages)
        if stage == "new":
            assignee = None
        elif team in teams[:2] and rng.random() < 0.02:
            assignee = bench_agent
        else:
            assignee = rng.choice(staff[team.pk])
        priority = rng.choice(["low", "normal", "normal", "normal", "high", "urgent"])
        rows.append(
            Case(
                reference=f"C-2026-{n + 1:06d}",
                customer=customers[rng.randrange(CUSTOMERS)],
                subject=f"Complaint {n}: {rng.choice(SUBJECTS)}",
                description="The order arrived damaged and support did not answer.",
                priority=priority,
                team=team,
                assignee=assignee,
                stage=stage,
                sla_policy=policies[priority],
                escalation_level=2 if rng.random() < 0.02 else 0,
                awaiting_customer=stage == "resolving" and rng.random() < 0.2,
                close_reason="satisfied" if stage == "closed" else "",
                restatement="So what you are saying is it broke." * (stage != "new"),
            )
        )
    made = Case.objects.bulk_create(rows, batch_size=BATCH)
    # created_at is auto_now_add: spread it over the past year in one statement.
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE complaints_case SET created_at = %s - make_interval("
            "mins => ((id * 7919) %% 525600)::int + 10), "
            "closed_at = CASE WHEN stage = 'closed' THEN LEAST(%s, %s - make_interval("
            "mins => ((id * 7919) %% 525600)::int + 10) + interval '3 days') END",
            [now, now, now],
        )
    return made


SUBJECTS = ["broken vase", "late parcel", "wrong size", "double charge", "rude call"]


def _children(rng, now, cases, staff) -> None:
    from complaints.models import Event, Message, Offer
    from followups.models import FollowUp
    from sla.models import Deadline

    deadlines, events, messages, offers, followups = [], [], [], [], []
    for case in cases:
        is_open = case.stage != "closed"
        for kind, hours in (("first_response", 8), ("resolution", 40)):
            due = now + timedelta(hours=rng.randint(-hours, hours))
            done = not is_open or (kind == "first_response" and case.stage != "new")
            deadlines.append(
                Deadline(
                    case=case,
                    kind=kind,
                    target_minutes=hours * 60,
                    started_at=due - timedelta(hours=hours),
                    due_at=due,
                    warn_at=due - timedelta(hours=hours / 4),
                    met_at=due - timedelta(hours=1) if done else None,
                )
            )
        label = case.assignee.username if case.assignee else "system"
        for kind in ("case_filed", "assigned", "stage_changed"):
            events.append(
                Event(case=case, actor_label=label, kind=kind, after=case.stage)
            )
        if case.stage not in ("new", "listening"):
            messages.append(
                Message(
                    case=case,
                    author_label=label,
                    visibility="customer",
                    kind="apology",
                    body="We are sorry. Will you accept our apology?",
                )
            )
        if case.stage in ("resolved", "following_up", "closed"):
            offers.append(
                Offer(
                    case=case,
                    kind="refund",
                    amount=rng.randint(5, 200),
                    currency="EUR",
                    status="fulfilled",
                )
            )
            followups.append(
                FollowUp(
                    case=case,
                    due_at=now - timedelta(days=rng.randint(1, 300)),
                    channel="phone",
                    status="done" if case.stage == "closed" else "scheduled",
                    outcome="satisfied" if case.stage == "closed" else "",
                    csat=rng.randint(1, 5) if case.stage == "closed" else None,
                )
            )
    for model, rows in (
        (Deadline, deadlines),
        (Event, events),
        (Message, messages),
        (Offer, offers),
        (FollowUp, followups),
    ):
        model.objects.bulk_create(rows, batch_size=BATCH)
        print(f"  {model.__name__}: {len(rows):,}")


def measure() -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from complaints.models import Case
    from complaints.selectors import cases_visible_to

    # Not setup_test_environment(): its template instrumentation copies every
    # context for the test Client and would be measured as page time.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    agent = get_user_model().objects.get(username="bench-agent")
    client = Client()
    client.force_login(agent)
    visible = cases_visible_to(agent)
    rng = random.Random(7)
    ids = list(visible.values_list("reference", flat=True)[:: max(1, CASES // 2000)])
    open_refs = list(
        visible.exclude(stage="closed").values_list("reference", flat=True)[:500]
    )
    pages = {
        "inbox (mine)": lambda: "/",
        "inbox (unassigned)": lambda: "/?queue=unassigned",
        "inbox (all open, by priority)": lambda: "/?queue=all&sort=priority",
        "inbox (overdue)": lambda: "/?queue=overdue",
        "inbox (search)": lambda: "/?queue=all&q=vase",
        "inbox (page 20)": lambda: "/?queue=all&page=20",
        "case page (any stage)": lambda: f"/cases/{rng.choice(ids)}/",
        "case page (open)": lambda: f"/cases/{rng.choice(open_refs)}/",
    }
    print(
        f"cpu_count={os.cpu_count()} cases={Case.objects.count():,} "
        f"visible to the agent={visible.count():,} runs per page={RUNS}"
    )
    print(f"load average at start: {os.getloadavg()[0]:.1f} (1 min)")
    print(
        f"{'page':30} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
        f"{'sql p50':>7} {'cpu p50':>7} {'queries':>9}"
    )
    for name, path in pages.items():
        for _ in range(5):  # warm up: connections, templates, plans
            client.get(path())
        times, sql, cpu, queries = [], [], [], set()
        for _ in range(RUNS):
            url = path()
            with CaptureQueriesContext(connection) as ctx:
                start, cpu_start = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - cpu_start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries.add(len(ctx.captured_queries))
            sql.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"{name:30} {statistics.median(times):7.1f} {p95:7.1f} {times[-1]:7.1f} "
            f"{statistics.median(sql):7.1f} {statistics.median(cpu):7.1f} "
            f"{'/'.join(map(str, sorted(queries))):>9}"
        )
    print(f"load average at end: {os.getloadavg()[0]:.1f} (1 min)")
    print("sql = time waiting on PostgreSQL; cpu = this process's own CPU time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reload", action="store_true", help="drop and reload")
    args = parser.parse_args()
    must_load = ensure_database(args.reload)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if must_load:
        load()
    measure()


if __name__ == "__main__":
    main()
