"""The search benchmark's loader: 1M cases and 5M messages, set-based.

Used by `bench/search.py` (see its docstring): COPY with triggers off and
plain indexes dropped and rebuilt after, the cases inserted with their search
documents computed in SQL (two workers), checked on a sample against the
real trigger (`verify`).
"""

import csv
import io
import random
import time
from datetime import UTC, datetime, timedelta

BENCH_DB = "redress_search_bench"
SERVER = "postgres://postgres@127.0.0.1:5432"
TEAMS = 4
BATCH = 20_000
RARE = "quillfeather"
COMMON = ("parcel", "refund", "delivery", "broken", "late", "charged", "waiting")


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """~5,000 words with Zipf-like frequencies; the complaint words are common."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = list(COMMON) + [
        "".join(rng.choice(letters) for _ in range(rng.randint(4, 9)))
        for _ in range(5000)
    ]
    weights = [1 / (rank + 1) for rank in range(len(words))]
    total, cum = 0.0, []
    for w in weights:
        total += w
        cum.append(total)
    return words, cum


def copy(cursor, table: str, columns: list[str], rows: list[list]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    buffer.seek(0)
    cursor.copy_expert(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
        buffer,
    )


# The trigger's document (complaints migration 0006), set-based: `s` is the
# case row, `cu` its customer, `m.msgs` its messages joined in id order.
# `verify` recomputes a sample through the real trigger and compares.
DOCUMENT_SQL = """
    setweight(to_tsvector('english', coalesce(s.reference, '') || ' '
        || left(coalesce(s.subject, ''), 1000)), 'A')
    || setweight(to_tsvector('english',
        left(coalesce(s.description, ''), 100000) || ' '
        || left(coalesce(s.customer_account, ''), 100000)), 'B')
    || setweight(to_tsvector('english', left(coalesce(m.msgs, ''), 200000)), 'C')
    || setweight(to_tsvector('english',
        left(coalesce(s.restatement, ''), 100000) || ' '
        || coalesce(cu.name, '') || ' ' || coalesce(cu.email, '') || ' '
        || translate(coalesce(cu.email, ''), '@.', '  ') || ' '
        || coalesce(cu.phone, '')), 'D')
"""
LOADED = ("customers_customer", "complaints_case", "complaints_message")


def _raw():
    """A plain connection to the database Django is set up on (`--database`)."""
    import psycopg2
    from django.db import connection

    conn = psycopg2.connect(f"{SERVER}/{connection.settings_dict['NAME']}")
    with conn.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET synchronous_commit = off")
    return conn


def _parallel(statements: list[str], workers: int = 2) -> None:
    """Run statements on `workers` connections at once (each commits)."""
    from concurrent.futures import ThreadPoolExecutor

    def run(sql: str) -> None:
        conn = _raw()
        began = time.perf_counter()
        with conn, conn.cursor() as cursor:
            cursor.execute(sql)
        conn.close()
        print(f"    {time.perf_counter() - began:6.0f} s  {sql[:70]}", flush=True)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(run, statements))


def _drop_indexes(cursor) -> list[str]:
    """Drop the loaded tables' plain indexes (not keys); return their DDL."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conname = i.indexname)",
        [list(LOADED)],
    )
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [ddl for _, ddl in found]


def load(n_cases: int, n_messages: int, seed: int = 11) -> float:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from teams.actors import Actor
    from teams.models import Team
    from teams.services import staff_create

    started = time.perf_counter()

    def step(what: str) -> None:
        print(f"  {time.perf_counter() - started:6.0f} s  {what}", flush=True)

    rng = random.Random(seed)
    words, cum = vocabulary(rng)

    def text(k: int) -> str:
        return " ".join(rng.choices(words, cum_weights=cum, k=k))

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE complaints_message, complaints_event, sla_deadline, "
            "complaints_case, customers_customer RESTART IDENTITY CASCADE"
        )
    teams = [
        Team.objects.get_or_create(slug=f"team{i}", defaults={"name": f"Team {i}"})[0]
        for i in range(TEAMS)
    ]
    for name, role, member in (
        ("bench_manager", "manager", []),
        ("bench_lead", "team_lead", teams[:1]),
    ):
        if not get_user_model().objects.filter(username=name).exists():
            staff_create(
                username=name,
                password=None,
                role=role,
                teams=member,
                by=Actor.system("bench"),
            )
    connection.close()
    now = datetime.now(UTC)
    n_customers = max(1, n_cases * 10 // 16)
    domains = ("gmail.com", "yahoo.co.uk", "outlook.com", "example.org")
    conn = _raw()
    cursor = conn.cursor()
    indexes = _drop_indexes(cursor)
    for table in LOADED:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
    cursor.execute("DROP TABLE IF EXISTS bench_case_stage")
    cursor.execute(
        "CREATE UNLOGGED TABLE bench_case_stage "
        "(LIKE complaints_case INCLUDING DEFAULTS)"
    )
    conn.commit()
    step(f"{len(indexes)} indexes dropped; customers")
    for start in range(1, n_customers + 1, BATCH * 5):
        rows = [
            [
                pk,
                f"{rng.choice(words).title()} {rng.choice(words).title()}",
                f"user{pk}@{rng.choice(domains)}",
                f"+44 7700 9{pk:05d}"[:16],
                "t",
                "active",
                "",
                now.isoformat(),
                now.isoformat(),
                "",
            ]
            for pk in range(start, min(start + BATCH * 5, n_customers + 1))
        ]
        copy(
            cursor,
            "customers_customer",
            [
                "id",
                "name",
                "email",
                "phone",
                "consent_to_contact",
                "relationship_status",
                "relationship_ended_reason",
                "created_at",
                "updated_at",
                "language",
            ],
            rows,
        )
    conn.commit()
    step("cases (staged)")
    case_cols = [
        "id",
        "reference",
        "customer_id",
        "subject",
        "description",
        "channel",
        "priority",
        "team_id",
        "stage",
        "customer_account",
        "restatement",
        "desired_outcome",
        "desired_outcome_declined",
        "resolution_summary",
        "escalation_level",
        "close_reason",
        "awaiting_customer",
        "follow_up_refused",
        "skipped_steps",
        "reopen_count",
        "metadata",
        "version",
        "link_epoch",
        "survey_epoch",
        "created_at",
        "updated_at",
        "closed_at",
        "regime",
    ]
    for start in range(1, n_cases + 1, BATCH):
        rows = []
        for pk in range(start, min(start + BATCH, n_cases + 1)):
            created = now - timedelta(minutes=(n_cases - pk) * 3)
            closed = pk < n_cases * 0.8
            team = teams[pk % (TEAMS + 1)].pk if pk % (TEAMS + 1) < TEAMS else None
            rows.append(
                [
                    pk,
                    f"C-{created.year}-{pk:06d}",
                    rng.randint(1, n_customers),
                    text(6).capitalize(),
                    text(40),
                    "web",
                    "normal",
                    team if team is not None else "\\N",
                    "closed" if closed else "new",
                    text(25) if pk % 3 == 0 else "",
                    "",
                    "",
                    "f",
                    "",
                    0,
                    "satisfied" if closed else "",
                    "f",
                    "f",
                    0,
                    0,
                    "{}",
                    1,
                    0,
                    0,
                    created.isoformat(),
                    created.isoformat(),
                    (created + timedelta(days=3)).isoformat() if closed else "\\N",
                    "none",
                ]
            )
        copy(cursor, "bench_case_stage", case_cols, rows)
    conn.commit()
    step("messages")
    msg_cols = "case_id author_label visibility kind body pitch_warning created_at"
    for start in range(0, n_messages, BATCH * 5):
        rows = []
        for i in range(start, min(start + BATCH * 5, n_messages)):
            body = text(rng.randint(8, 30))
            if i % 100_000 == 7:
                body += f" {RARE}"
            rows.append(
                [
                    rng.randint(1, n_cases),
                    "bench",
                    "internal" if i % 4 == 0 else "customer",
                    "note",
                    body,
                    "f",
                    now.isoformat(),
                ]
            )
        copy(cursor, "complaints_message", msg_cols.split(), rows)
        conn.commit()
    cursor.execute("ANALYZE complaints_message")
    cursor.execute("ANALYZE bench_case_stage")
    conn.commit()
    step("cases with their documents (set-based, two workers)")
    columns = ", ".join(case_cols)
    chosen = ", ".join(f"s.{c}" for c in case_cols)
    half = n_cases // 2 + 1
    _parallel(
        [
            f"INSERT INTO complaints_case ({columns}, search_document) "
            f"SELECT {chosen}, {DOCUMENT_SQL} FROM bench_case_stage s "
            "LEFT JOIN customers_customer cu ON cu.id = s.customer_id "
            "LEFT JOIN (SELECT case_id, string_agg(body, ' ' ORDER BY id) AS msgs "
            f"FROM complaints_message WHERE case_id >= {lo} AND case_id < {hi} "
            "GROUP BY case_id) m ON m.case_id = s.id "
            f"WHERE s.id >= {lo} AND s.id < {hi}"
            for lo, hi in ((1, half), (half, n_cases + 1))
        ]
    )
    cursor.execute("DROP TABLE bench_case_stage")
    for table in LOADED:
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT max(id) FROM {table}))"
        )
    conn.commit()
    step("indexes (two workers)")
    # The largest first, so the two workers finish together.
    indexes.sort(key=lambda ddl: ("gin" not in ddl, "complaints_message" in ddl))
    _parallel(indexes)
    conn.autocommit = True
    for table in LOADED:
        cursor.execute(f"VACUUM ANALYZE {table}")
    step("verify documents")
    verify(cursor)
    conn.close()
    return time.perf_counter() - started


def verify(cursor, sample: int = 2000) -> None:
    """Recompute a sample of documents through the real trigger; all must match."""
    cursor.execute("BEGIN")
    cursor.execute(
        "CREATE TEMP TABLE bench_sample ON COMMIT DROP AS SELECT id, search_document "
        "FROM complaints_case ORDER BY random() LIMIT %s",
        [sample],
    )
    cursor.execute(
        "UPDATE complaints_case SET search_document = NULL "
        "WHERE id IN (SELECT id FROM bench_sample)"
    )
    cursor.execute(
        "SELECT count(*), count(*) FILTER (WHERE c.search_document "
        "IS DISTINCT FROM b.search_document) FROM bench_sample b "
        "JOIN complaints_case c USING (id)"
    )
    checked, differ = cursor.fetchone()
    cursor.execute("ROLLBACK")
    print(f"  documents checked against the trigger: {checked}, differ: {differ}")
    if differ or not checked:
        raise SystemExit("set-based documents differ from the trigger's")


# Running clocks on the open cases, as a deployment with SLA policies has
# them (the loaded cases have none): first response met on 3 in 5, else due a
# day after filing; resolution due 8 weeks after (spread by the hour), paused
# on 1 in 10.
DEADLINES_SQL = """
INSERT INTO sla_deadline (case_id, kind, target_minutes, started_at, consumed,
    due_at, warn_at, met_at, paused_at)
SELECT id, 'first_response', 1440, created_at, interval '0',
    created_at + interval '1 day', created_at + interval '18 hours',
    CASE WHEN id % 5 < 3 THEN created_at + interval '2 hours' END, NULL
FROM complaints_case WHERE stage <> 'closed'
UNION ALL
SELECT id, 'resolution', 80640, created_at, interval '0',
    created_at + interval '56 days' + (id % 97) * interval '1 hour',
    created_at + interval '42 days', NULL,
    CASE WHEN id % 10 = 0 THEN created_at + interval '3 days' END
FROM complaints_case WHERE stage <> 'closed'
"""


def add_deadlines() -> int:
    """Give the open cases running clocks, once (`--deadlines`); how many made."""
    conn = _raw()
    conn.commit()  # (its settings)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM sla_deadline)")
        if cursor.fetchone()[0]:
            return 0
        cursor.execute(DEADLINES_SQL)
        made = cursor.rowcount
        cursor.execute("VACUUM ANALYZE sla_deadline")
    conn.close()
    return made
