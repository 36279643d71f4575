"""Bulk-load a realistic Redress dataset with COPY, for the dashboard benchmark.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/redress_dash_bench \
        .venv/bin/python bench/dataset.py --cases 100000

Wipes and refills the database named in DATABASE_URL (its name must contain
"bench"): staff, teams, categories, customers, then N cases over three years
with their SLA deadlines, offers, follow-ups, timeline events and stored
in realistic proportions (most old cases closed,
recent ones spread over the stages; ~1.2 offers per resolved case, follow-ups
on two thirds of them, ~9 events per case). Rows are generated in Python and
streamed with psycopg2's `copy_expert`; due times are approximated from
business-hour targets. Then the dashboard's facts and its day rollup are
built from the loaded rows by `dashboards.facts.facts_rebuild` (as the
nightly task does) and the database is vacuumed.
"""

import argparse
import contextlib
import csv
import io
import json
import os
import random
import sys
import time as clock
from datetime import UTC, datetime, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.dataset_rows import CaseMaker  # noqa: E402
from bench.dataset_tables import Tables  # noqa: E402
from dashboards.facts import facts_rebuild  # noqa: E402

TABLES = [
    "dashboards_casefacts",
    "dashboards_rollup",
    "dashboards_refreshmark",
    "followups_followup",
    "complaints_offer",
    "sla_deadline",
    "complaints_message",
    "complaints_case",
    "customers_customer",
]
# Columns the rows leave out that have only a Django default: a database
# default for the length of the load.
DEFAULTS = {
    "complaints_case": {"link_epoch": "0", "survey_epoch": "0", "regime": "'none'"},
    "complaints_offer": {"decision_note": "''"},
    "customers_customer": {"language": "''"},
}
FLUSH = 50_000
NULL = r"\N"


class Copier:
    """Buffers rows per table and COPYs them in when a buffer is full."""

    def __init__(self, columns: dict[str, list[str]]):
        self.columns = columns
        self.buffers = {name: io.StringIO() for name in columns}
        self.writers = {name: csv.writer(buf) for name, buf in self.buffers.items()}
        self.counts = dict.fromkeys(columns, 0)
        self.pending = dict.fromkeys(columns, 0)

    def add(self, table: str, row: list) -> None:
        self.writers[table].writerow([NULL if v is None else v for v in row])
        self.counts[table] += 1
        self.pending[table] += 1
        if self.pending[table] >= FLUSH:
            self.flush()  # every table, cases first, so foreign keys hold

    def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self.buffers):
            buf = self.buffers[name]
            if not self.pending[name]:
                continue
            buf.seek(0)
            cols = ", ".join(f'"{c}"' for c in self.columns[name])
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    f"COPY {name} ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                    buf,
                )
            self.buffers[name] = io.StringIO()
            self.writers[name] = csv.writer(self.buffers[name])
            self.pending[name] = 0


def wipe() -> None:
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        raise SystemExit(f"refusing to wipe {name!r}: its name must contain 'bench'")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE complaints_event DISABLE TRIGGER USER")
        cursor.execute(
            "TRUNCATE complaints_event, "
            + ", ".join(TABLES)
            + " RESTART IDENTITY CASCADE"
        )
        cursor.execute("ALTER TABLE complaints_event ENABLE TRIGGER USER")


def reference_data(rng: random.Random) -> dict:
    """Teams, staff, categories, root causes, a calendar and SLA policies (ORM)."""
    from django.contrib.auth import get_user_model

    from complaints.models import Category, OfferLimit, RootCause
    from sla.models import Calendar, SlaPolicy, WorkingHours
    from teams.actors import Actor
    from teams.models import StaffProfile, Team
    from teams.services import staff_create

    StaffProfile.objects.all().delete()
    get_user_model().objects.all().delete()
    for model in (SlaPolicy, WorkingHours, Calendar, Category, RootCause, OfferLimit):
        model.objects.all().delete()
    Team.objects.all().delete()
    calendar = Calendar.objects.create(name="Office", time_zone="Europe/Berlin")
    WorkingHours.objects.bulk_create(
        WorkingHours(calendar=calendar, weekday=d, opens=time(9), closes=time(17))
        for d in range(5)
    )
    targets = {
        "urgent": (60, 480),
        "high": (120, 960),
        "normal": (240, 2400),
        "low": (480, 4800),
    }
    policies = {
        p: SlaPolicy.objects.create(
            name=p,
            priority=p,
            calendar=calendar,
            first_response_minutes=fr,
            resolution_minutes=res,
        ).pk
        for p, (fr, res) in targets.items()
    }
    OfferLimit.objects.create(kind="refund", currency="EUR", max_amount=200)
    teams = [Team.objects.create(name=f"Team {n}", slug=f"team-{n}") for n in range(6)]
    agents = {
        t.pk: [
            staff_create(
                username=f"agent-{t.slug}-{n}",
                password=None,
                teams=[t],
                by=Actor.system("bench"),
            ).pk
            for n in range(10)
        ]
        for t in teams
    }
    for t in teams:
        staff_create(
            username=f"lead-{t.slug}",
            password=None,
            role="team_lead",
            teams=[t],
            by=Actor.system("bench"),
        )
    staff_create(
        username="bench-manager",
        password=None,
        role="manager",
        by=Actor.system("bench"),
    )
    categories = [
        Category.objects.create(
            name=f"Category {n}", slug=f"cat-{n}", default_team=teams[n % 6]
        ).pk
        for n in range(12)
    ]
    causes = [
        RootCause.objects.create(name=f"Cause {n}", slug=f"cause-{n}").pk
        for n in range(10)
    ]
    return {
        "teams": [t.pk for t in teams],
        "agents": agents,
        "categories": categories,
        "causes": causes,
        "policies": policies,
        "targets": targets,
        "calendar": calendar,
    }


LOADED = [
    "customers_customer",
    "complaints_case",
    "sla_deadline",
    "complaints_offer",
    "followups_followup",
    "complaints_event",
]


def indexes_off() -> list[str]:
    """Drop the secondary indexes and triggers of the loaded tables; return the DDL
    that puts the indexes back (constraint-backed indexes stay)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [LOADED],
        )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
        for table in LOADED:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        for table, columns in DEFAULTS.items():
            for column, value in columns.items():
                cursor.execute(
                    f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {value}"
                )
    return [ddl for _, ddl in found]


def indexes_on(ddl: list[str]) -> None:
    """Put back the dropped indexes, and any index the models declare that is
    missing (a run interrupted after dropping them must not leave them out)."""
    from django.apps import apps
    from django.db.utils import ProgrammingError

    with connection.cursor() as cursor:
        for table in LOADED:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")
        for table, columns in DEFAULTS.items():
            for column in columns:
                cursor.execute(
                    f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT"
                )
        for statement in ddl:
            cursor.execute(statement)
        models = [m for m in apps.get_models() if m._meta.db_table in LOADED]
        with connection.schema_editor(collect_sql=True) as editor:
            declared = [str(s) for m in models for s in editor._model_indexes_sql(m)]
        for statement in declared:
            with contextlib.suppress(ProgrammingError):  # already there
                cursor.execute(statement)


def load(n_cases: int, seed: int, in_order: bool = False) -> dict:
    rng = random.Random(seed)
    # The same spread of ages, sorted so that keys follow filing times.
    drawn = random.Random(seed + 1)
    ages = (
        sorted((drawn.random() ** 0.9 for _ in range(n_cases)), reverse=True)
        if in_order
        else None
    )
    started = clock.perf_counter()
    wipe()
    ref = reference_data(rng)
    # Rows are generated consistent with each other, so the foreign-key
    # triggers and the indexes can wait until everything is in.
    ddl = indexes_off()
    tables = Tables()
    copier = Copier(tables.columns)
    now = datetime.now(UTC)
    n_customers = max(1, int(n_cases / 1.6))
    for pk in range(1, n_customers + 1):
        copier.add("customers_customer", tables.customer(pk, now, rng))
    copier.flush("customers_customer")
    maker = CaseMaker(ref=ref, now=now, rng=rng, n_customers=n_customers, ages=ages)
    for pk in range(1, n_cases + 1):
        for table, row in maker.case(pk):
            copier.add(table, row)
        if pk % 100_000 == 0:
            print(f"  {pk} cases, {clock.perf_counter() - started:.0f} s", flush=True)
    copier.flush()
    print(f"  rows in, {clock.perf_counter() - started:.0f} s; indexing", flush=True)
    indexes_on(ddl)
    finish(copier, maker)
    loaded = clock.perf_counter()
    print(f"  indexed, {loaded - started:.0f} s; building the facts", flush=True)
    built = facts_rebuild()
    facts = clock.perf_counter() - loaded
    print(f"  facts of {built} cases in {facts:.0f} s; vacuuming", flush=True)
    with connection.cursor() as cursor:
        # Sets the visibility map, as autovacuum would on a live database, so
        # the planner can answer from the indexes alone (index-only scans).
        cursor.execute("VACUUM ANALYZE")
    return {
        "counts": copier.counts,
        "seconds": clock.perf_counter() - started,
        "facts_seconds": facts,
    }


def finish(copier: Copier, maker: "CaseMaker") -> None:
    with connection.cursor() as cursor:
        for table in (
            "customers_customer",
            "complaints_case",
            "sla_deadline",
            "complaints_offer",
            "followups_followup",
            "complaints_event",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"GREATEST((SELECT max(id) FROM {table}), 1))"
            )
        cursor.execute(
            "INSERT INTO complaints_referencecounter (year, last) "
            "SELECT y, n FROM (VALUES "
            + ", ".join(f"({y}, {n})" for y, n in maker.last_reference.items())
            + ") v(y, n) ON CONFLICT (year) DO UPDATE SET last = EXCLUDED.last"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--in-filing-order",
        action="store_true",
        help="keys follow filing times, as a live database files cases "
        "(default: filing times drawn at random per key)",
    )
    args = parser.parse_args()
    print(
        f"loading {args.cases} cases into {connection.settings_dict['NAME']} "
        f"on {os.cpu_count()} cores"
    )
    result = load(args.cases, args.seed, args.in_filing_order)
    print(json.dumps(result["counts"], indent=1))
    print(
        f"loaded in {result['seconds']:.0f} s "
        f"(of which building the facts {result['facts_seconds']:.0f} s)"
    )


if __name__ == "__main__":
    main()
