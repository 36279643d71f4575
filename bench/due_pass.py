"""Benchmark the due pass: cost with nothing due, throughput with much due.

Usage (PostgreSQL; loads into a throwaway database, default redress_engine_bench):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/redress_engine_bench \\
        .venv/bin/python bench/due_pass.py --cases 1000000 --due 10000

Bulk-loads open cases with two deadlines each (INSERT … SELECT from
generate_series, server side), none due; times one pass (median of several)
and prints the claim query's plan; then makes `--due` first-response deadlines
due (warnings to the assignee: in-app notification, timeline event, email) and
times the pass plus delivery of every email (locmem backend), in firings/s.
A `--reuse` run skips loading when the data is already there.
"""

import argparse
import os
import resource
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/redress_engine_bench"
)
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "localhost")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="delivery processes beside the pass (default 1; 0: deliver after it)",
    )
    args = parser.parse_args()

    import django

    _ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"cpu_count={os.cpu_count()} database={connection.settings_dict['NAME']}")
    have = _count("complaints_case")
    if not (args.reuse and have >= args.cases):
        _load(args.cases)
    print(
        f"dataset: {_count('complaints_case'):,} open cases, "
        f"{_count('sla_deadline'):,} deadlines, {args.due:,} to make due"
    )
    _nothing_due(args.repeat)
    _much_due(args.due, args.workers)


def _ensure_database(url: str) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def _count(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (our names)
        return cursor.fetchone()[0]


def _insert_select(model, count: int, overrides: dict[str, str]) -> None:
    """INSERT … SELECT … FROM generate_series(1, count) AS g, defaults filled in."""
    from django.db import connection

    columns, exprs, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(f'"{field.column}"')
        if field.column in overrides:
            exprs.append(overrides[field.column])
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            exprs.append("now()")
        elif field.has_default():
            exprs.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
        elif field.null:
            exprs.append("NULL")
        else:
            exprs.append("''")
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(exprs)} FROM generate_series(1, {int(count)}) AS g"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _load(count: int) -> None:
    from django.db import connection, transaction

    from complaints.models import Case
    from customers.models import Customer
    from sla.models import Calendar, Deadline, SlaPolicy, WorkingHours
    from teams.actors import Actor
    from teams.models import Team
    from teams.services import staff_create

    started = time.perf_counter()

    def lap(what: str) -> None:
        print(f"  {what}: {time.perf_counter() - started:.1f}s", flush=True)

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE complaints_case, sla_deadline, customers_customer, "
            "notifications_notification, notifications_outbox, complaints_event, "
            "sla_slapolicy, sla_calendar, teams_team, auth_user CASCADE"
        )
    with transaction.atomic():
        team = Team.objects.create(name="Care", slug="care")
        calendar = Calendar.objects.create(name="Office", time_zone="Europe/London")
        from datetime import time as clock

        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=calendar, weekday=d, opens=clock(9), closes=clock(17))
            for d in range(5)
        )
        policy = SlaPolicy.objects.create(
            name="Normal",
            priority="normal",
            calendar=calendar,
            first_response_minutes=480,
            resolution_minutes=2400,
        )
        agents = [
            staff_create(
                username=f"agent{i}",
                password=None,
                role="agent",
                teams=[team],
                email=f"agent{i}@staff.example",
                by=Actor.system("bench"),
            )
            for i in range(50)
        ]
        staff_create(
            username="lead",
            password=None,
            role="team_lead",
            teams=[team],
            email="lead@staff.example",
            by=Actor.system("bench"),
        )
    lap("staff and policy")
    first_agent, customers = agents[0].pk, max(count // 10, 1)
    _insert_select(
        Customer,
        customers,
        {
            "name": "'Customer ' || g",
            "email": "'customer' || g || '@example.com'",
            "consent_to_contact": "true",
        },
    )
    lap("customers")
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM customers_customer")
        first_customer = cursor.fetchone()[0]
    _insert_select(
        Case,
        count,
        {
            "reference": "'B-' || lpad(g::text, 9, '0')",
            "subject": "'Parcel arrived broken'",
            "description": "'The vase was in pieces.'",
            "stage": "'listening'",
            "priority": "'normal'",
            "channel": "'web'",
            "customer_id": f"{first_customer} + mod(g, {customers})",
            "team_id": str(team.pk),
            "sla_policy_id": str(policy.pk),
            "assignee_id": f"{first_agent} + mod(g, 50)",
            "created_at": "now() - interval '1 hour'",
        },
    )
    lap("cases")
    # Two clocks per case, none due: checks spread over the next 30 days.
    for kind, minutes in (("first_response", 480), ("resolution", 2400)):
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO sla_deadline (case_id, kind, target_minutes, started_at,"
                " consumed, due_at, warn_at, next_check_at) "
                "SELECT id, %s, %s, now(), interval '0', "
                " now() + interval '1 day' + mod(id, 43200) * interval '1 minute',"
                " now() + interval '18 hours' + mod(id, 43200) * interval '1 minute',"
                " now() + interval '18 hours' + mod(id, 43200) * interval '1 minute' "
                "FROM complaints_case",
                [kind, minutes],
            )
    lap("deadlines")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    del Deadline
    print(f"loaded {count:,} cases in {time.perf_counter() - started:.1f}s")


def _claim_sql():
    from django.utils import timezone

    from sla.models import Deadline

    query = (
        Deadline.objects.select_for_update(skip_locked=True, of=("self", "case"))
        .select_related("case", "case__assignee", "case__team", "case__sla_policy")
        .filter(next_check_at__lte=timezone.now())
        .order_by("next_check_at")[:500]
    )
    return query.query.sql_with_params()


def _nothing_due(repeat: int) -> None:
    from django.db import connection, transaction

    from scheduler.engine import due_pass

    with transaction.atomic(), connection.cursor() as cursor:
        sql, params = _claim_sql()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print("claim query plan (nothing due):\n" + plan)
    from django.utils import timezone

    from sla.models import Deadline

    peek = Deadline.objects.filter(next_check_at__lte=timezone.now())
    print(
        "peek query plan (what a pass with nothing due runs):\n"
        + peek.explain(analyze=True)
    )
    assert "Index Scan using deadline_next_check" in plan or "Index" in plan
    due_pass(deliver="inline")  # warm up
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        report = due_pass(deliver="inline")
        timings.append((time.perf_counter() - started) * 1000)
        assert report.firings == 0
    print(
        f"nothing due: one pass median {statistics.median(timings):.1f} ms, "
        f"min {min(timings):.1f} ms, max {max(timings):.1f} ms ({repeat} runs)"
    )


def _much_due(due: int, workers: int) -> None:
    """Make `due` warnings due; time the pass and the delivery of every email.

    Delivery runs in `workers` separate processes while the pass is still
    firing, as Celery workers would (each takes the pending rows whose id
    modulo `workers` is its number).
    """
    import multiprocessing

    from django.core import mail
    from django.db import connection
    from django.utils import timezone

    from notifications.models import Outbox
    from scheduler.engine import due_pass

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sla_deadline SET warn_at = now() - interval '1 minute', "
            "next_check_at = now() - interval '1 minute' WHERE id IN ("
            " SELECT id FROM sla_deadline WHERE kind = 'first_response' "
            " AND warned_at IS NULL ORDER BY id LIMIT %s)",
            [due],
        )
        made = cursor.rowcount
    mail.outbox = []
    Outbox.objects.all().delete()
    connection.close()
    context = multiprocessing.get_context("fork")
    firing_done, sent = context.Event(), context.Value("i", 0)
    procs = [
        context.Process(target=_deliver, args=(k, workers, firing_done, sent))
        for k in range(workers)
    ]
    started = time.perf_counter()
    for proc in procs:
        proc.start()
    cpu = time.process_time()
    report = due_pass(now=timezone.now(), deliver="none")
    fired = time.perf_counter()
    cpu = time.process_time() - cpu
    firing_done.set()
    for proc in procs:
        proc.join()
    delivery_cpu = time.process_time()
    if not workers:  # deliver after the pass, in this process
        _deliver(0, 1, firing_done, sent)
    done = time.perf_counter()
    delivery_cpu = time.process_time() - delivery_cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    delivery_cpu += children.ru_utime + children.ru_stime
    assert report.warnings == made, (report.warnings, made)
    emails = Outbox.objects.count()
    assert sent.value == emails == Outbox.objects.filter(status="sent").count()
    print(
        f"{made:,} due: pass {fired - started:.2f}s "
        f"({report.firings / (fired - started):,.0f} firings/s); {emails:,} emails "
        f"delivered by {workers} process(es) alongside, all done "
        f"{done - started:.2f}s after the pass began = "
        f"{report.firings / (done - started):,.0f} firings/s pass + delivery"
    )
    load = os.getloadavg()[0]
    print(
        f"the pass used {cpu:.2f}s of CPU ({report.firings / cpu:,.0f} firings per "
        f"CPU-second); delivery used {delivery_cpu:.2f}s of CPU "
        f"({emails / delivery_cpu:,.0f} emails per CPU-second); "
        f"load average during the run {load:.1f} on {os.cpu_count()} cores"
    )


def _deliver(number: int, workers: int, firing_done, sent) -> None:
    """A delivery process: send pending emails until the pass is done and none are left."""
    from django.db import connection

    from notifications.models import Outbox
    from notifications.services import outbox_deliver_many

    connection.close()  # a fresh connection of its own after fork
    while True:
        finished = firing_done.is_set()
        ids = list(
            Outbox.objects.filter(status="pending")
            .extra(where=[f"id %% {workers} = {number}"])
            .order_by("id")
            .values_list("pk", flat=True)[:500]
        )
        if ids:
            counts = outbox_deliver_many(ids=ids)
            with sent.get_lock():
                sent.value += counts["sent"]
        elif finished:
            return
        else:
            time.sleep(0.05)


if __name__ == "__main__":
    main()
