"""Bulk-load the list benchmark's dataset: customers, cases and SLA deadlines.

    (run by bench/api_list.py) — wipes and refills `redress_api_bench` only.

Rows are generated in Python and streamed with COPY in batches of 20,000,
parents before children. Columns come from the models' own field lists, so a
field added later gets its default instead of breaking the load.
"""

import csv
import io
import json
import random
from datetime import UTC, datetime, timedelta

from django.db import connection

BATCH = 20_000
WORDS = [
    "parcel",
    "broken",
    "late",
    "refund",
    "courier",
    "rain",
    "vase",
    "invoice",
    "charged",
    "twice",
    "rude",
    "driver",
    "missing",
    "item",
    "wrong",
    "size",
    "damaged",
    "leaking",
    "faulty",
    "engineer",
    "visit",
    "cancelled",
    "order",
    "teapot",
    "lid",
    "chipped",
    "delivery",
    "window",
    "ignored",
    "emails",
    "manager",
    "apology",
]
STAGES = [
    ("new", 8),
    ("listening", 8),
    ("acknowledged", 8),
    ("resolving", 10),
    ("resolved", 6),
    ("following_up", 10),
    ("closed", 50),
]


def _cell(value):
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def copy(model, rows) -> int:
    """COPY `rows` (dicts of attname → value) into the model's table in batches."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    defaults = {}
    for f in fields:
        if f.has_default():
            defaults[f.attname] = f.get_default()
        else:
            defaults[f.attname] = None if f.null else ""
    buffer, writer, count = io.StringIO(), None, 0

    def flush():
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {model._meta.db_table} ({columns}) FROM STDIN "
                "WITH (FORMAT csv, NULL '\\N')",
                buffer,
            )

    for row in rows:
        if writer is None:
            writer = csv.writer(buffer)
        writer.writerow(
            [_cell(row.get(f.attname, defaults[f.attname])) for f in fields]
        )
        count += 1
        if count % BATCH == 0:
            flush()
            buffer, writer = io.StringIO(), None
    if writer is not None:
        flush()
    return count


def wipe() -> None:
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        raise SystemExit(f"refusing to wipe {name!r}: its name must contain 'bench'")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE complaints_event DISABLE TRIGGER USER")
        cursor.execute(
            "TRUNCATE complaints_event, sla_deadline, complaints_offer, "
            "followups_followup, complaints_message, complaints_case, "
            "customers_customer RESTART IDENTITY CASCADE"
        )
        cursor.execute("ALTER TABLE complaints_event ENABLE TRIGGER USER")


def load(n_cases: int, seed: int = 11) -> dict:
    from complaints.models import Case, Category
    from customers.models import Customer
    from sla.models import Deadline
    from teams.models import Team

    rng = random.Random(seed)
    wipe()
    teams = [
        Team.objects.get_or_create(slug=s, defaults={"name": s.title()})[0].pk
        for s in ("care", "billing", "field", "returns")
    ]
    categories = [
        Category.objects.get_or_create(slug=s, defaults={"name": s.title()})[0].pk
        for s in ("delivery", "billing", "product-fault", "staff-conduct")
    ]
    now = datetime.now(UTC)
    n_customers = int(n_cases / 1.6)
    copy(
        Customer,
        (
            {
                "name": f"{rng.choice(['Ada', 'Grace', 'Alan', 'Edsger'])} Tester{pk}",
                "email": f"customer{pk}@example.com",
                "consent_to_contact": pk % 3 != 0,
                "created_at": now,
                "updated_at": now,
            }
            for pk in range(1, n_customers + 1)
        ),
    )
    stages = [s for s, w in STAGES for _ in range(w)]

    def case(pk: int) -> dict:
        created = now - timedelta(minutes=pk * 15)  # ~3 years back, newest last
        stage = "closed" if created < now - timedelta(days=60) else rng.choice(stages)
        words = rng.sample(WORDS, 6)
        return {
            "reference": f"C-{created.year}-{pk:06d}",
            "customer_id": rng.randint(1, n_customers),
            "subject": " ".join(words[:3]).capitalize(),
            "description": "The " + " ".join(words) + " and nobody answered.",
            "channel": rng.choice(["web", "email", "phone", "api"]),
            "category_id": rng.choice(categories),
            "priority": rng.choice(["low", "normal", "normal", "high", "urgent"]),
            "team_id": rng.choice(teams),
            "stage": stage,
            "escalation_level": 1 if rng.random() < 0.05 else 0,
            "close_reason": "satisfied" if stage == "closed" else "",
            "created_at": created,
            "updated_at": created,
            "closed_at": created + timedelta(days=3) if stage == "closed" else None,
        }

    cases = copy(Case, (case(pk) for pk in range(n_cases, 0, -1)))
    open_ids = list(
        Case.objects.exclude(stage="closed").values_list("id", "created_at")
    )
    deadlines = copy(
        Deadline,
        (
            {
                "case_id": pk,
                "kind": "resolution",
                "target_minutes": 2400,
                "started_at": created,
                "consumed": timedelta(0),
                "due_at": created + timedelta(days=rng.randint(1, 40)),
                "warn_at": created + timedelta(days=1),
            }
            for pk, created in open_ids
        ),
    )
    with connection.cursor() as cursor:
        # New filings must continue after the loaded references.
        cursor.execute(
            "INSERT INTO complaints_referencecounter (year, last) "
            "SELECT substring(reference, 3, 4)::int, max(substring(reference, 8)::int) "
            "FROM complaints_case GROUP BY 1 ON CONFLICT (year) DO UPDATE "
            "SET last = GREATEST(complaints_referencecounter.last, EXCLUDED.last)"
        )
        cursor.execute("ANALYZE")
    return {"customers": n_customers, "cases": cases, "deadlines": deadlines}
