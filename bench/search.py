"""Benchmark: global search at scale — p95 of the search page and the API's `q`.

    .venv/bin/python bench/search.py [--cases 200000] [--messages 1000000] [--reload]
        [--load-only] [--save run.json] [--before earlier.json]

Bulk-loads (COPY, triggers off, plain indexes dropped and rebuilt after)
customers and messages into the throwaway database `redress_search_bench`
(`--database` for another), then inserts the cases with their search documents
computed set-based in SQL (two workers; the same expression as the trigger of
complaints migration 0006, checked on a 2,000-case sample recomputed through
the real trigger), and VACUUM ANALYZEs. 1M cases / 5M messages took 63 min on
2 busy shared cores (load ~12), 24 min at load ~8. `--reload` drops and
recreates the database; `--load-only` loads without timing.
Then, in process through the
full Django stack with DEBUG off, it times `/search/?q=` (the search page, 25
hits with snippets) and `GET /api/v1/complaints/?q=` (first page) for a
manager (every case) and a team lead (one team of four, plus Triage), for a
rare word, a common word, a reference fragment, an email fragment and a phone
fragment; and the inbox with that text in its search box (`/?q=&queue=`:
Mine, the default and empty for these users; All open; Recently closed),
with its badge counts and its (capped) count. `--only search|inbox` times one side.
Prints p50/p95 with the dataset size, core count and load average;
`--save` writes the figures to a file, `--before` prints a saved run beside
(run the older code with `--save`, then the newer with `--before`).
"""

import argparse
import csv
import io
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "redress_search_bench"
SERVER = "postgres://postgres@127.0.0.1:5432"
RUNS, WARMUP = 20, 3
TEAMS = 4
BATCH = 20_000
RARE = "quillfeather"
# The inbox's search box searches one queue: its default (Mine: empty for the
# bench's users, who are assigned nothing), every open case, recently closed.
INBOX_QUEUES = ("mine", "all", "closed")
COMMON = ("parcel", "refund", "delivery", "broken", "late", "charged", "waiting")


def setup(*, fresh: bool) -> None:
    """Create (with `fresh`, recreate) the bench database and migrate it."""
    import psycopg2

    conn = psycopg2.connect(f"{SERVER}/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{BENCH_DB}"')
    conn.close()
    os.environ.update(
        DATABASE_URL=f"{SERVER}/{BENCH_DB}",
        DEBUG="0",
        SECRET_KEY="bench-" + "x" * 60,
        ALLOWED_HOSTS="testserver,127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        API_THROTTLE_RATE="100000000/min",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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
    import psycopg2

    conn = psycopg2.connect(f"{SERVER}/{BENCH_DB}")
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


def timed(call) -> dict:
    for _ in range(WARMUP):
        call()
    latencies = []
    for _ in range(RUNS):
        began = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - began)
    ordered = sorted(latencies)
    return {
        "p50": statistics.median(ordered) * 1000,
        "p95": ordered[int(len(ordered) * 0.95) - 1] * 1000,
    }


def measure(n_cases: int, only: tuple[str, ...] = ("search", "inbox")) -> list[tuple]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from api.services import api_client_create
    from teams.actors import Actor

    queries = {
        "rare word": RARE,
        "common word": "parcel refund",
        "reference": f"{n_cases // 3:06d}",
        "email fragment": "user1234@",
        "phone fragment": "7700 901",
    }
    results = []
    for username in ("bench_manager", "bench_lead"):
        user = get_user_model().objects.get(username=username)
        page = Client()
        page.force_login(user)
        key = api_client_create(
            name=f"bench {username} {time.time()}",
            username=username,
            scopes=["complaints:read"],
            by=Actor.system("bench"),
        )[1]
        api = Client(HTTP_AUTHORIZATION=f"Token {key}")
        for kind, q in queries.items():

            def on_page(q=q, page=page):
                answer = page.get("/search/", {"q": q})
                assert answer.status_code == 200, answer.status_code

            def on_api(q=q, api=api):
                answer = api.get("/api/v1/complaints/", {"q": q})
                assert answer.status_code == 200, answer.status_code

            if "search" in only:
                results.append((username, kind, "page", timed(on_page)))
                results.append((username, kind, "api", timed(on_api)))
            if "inbox" not in only:
                continue
            for queue in INBOX_QUEUES:

                def on_inbox(q=q, page=page, queue=queue):
                    answer = page.get("/", {"q": q, "queue": queue})
                    assert answer.status_code == 200, answer.status_code

                results.append((username, kind, f"inbox {queue}", timed(on_inbox)))
    return results


def main() -> None:
    global BENCH_DB
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--database", default=BENCH_DB, help="throwaway database")
    parser.add_argument(
        "--load-only", action="store_true", help="load (if needed), do not time"
    )
    parser.add_argument(
        "--only",
        choices=("search", "inbox"),
        help="time only the search page and API, or only the inbox",
    )
    parser.add_argument("--save", help="write this run's figures to a JSON file")
    parser.add_argument("--before", help="a run saved earlier, printed beside")
    args = parser.parse_args()
    BENCH_DB = args.database
    setup(fresh=args.reload)
    from complaints.models import Case, Message

    if args.reload or Case.objects.count() != args.cases:
        print(f"loading {args.cases} cases, {args.messages} messages", flush=True)
        print(f"loaded in {load(args.cases, args.messages):.0f} s", flush=True)
    if args.load_only:
        return
    cases, messages = Case.objects.count(), Message.objects.count()
    print(
        f"\n{cases:,} cases, {messages:,} messages, {os.cpu_count()} cores; "
        f"{RUNS} timed runs after {WARMUP} warm-ups; target p95 < 100 ms"
    )
    load_before = os.getloadavg()
    before = json.loads(Path(args.before).read_text()) if args.before else None
    if before:
        print(f"before: {before['header']}; load average {before['load']}")
    print("load average before: " + " ".join(f"{x:.2f}" for x in load_before))
    head = f"{'who':14} {'query':16} {'path':12} {'p50 ms':>8} {'p95 ms':>8}"
    print(head + (f" {'before p50':>11} {'before p95':>11}" if before else ""))
    rows = [
        [who, kind, path, t["p50"], t["p95"]]
        for who, kind, path, t in measure(
            cases, (args.only,) if args.only else ("search", "inbox")
        )
    ]
    earlier = {tuple(row[:3]): row[3:] for row in before["rows"]} if before else {}
    for who, kind, path, p50, p95 in rows:
        line = f"{who:14} {kind:16} {path:12} {p50:8.1f} {p95:8.1f}"
        if (who, kind, path) in earlier:
            line += " {:11.1f} {:11.1f}".format(*earlier[who, kind, path])
        print(line)
    load_after = os.getloadavg()
    print("load average after: " + " ".join(f"{x:.2f}" for x in load_after))
    if args.save:
        loads = " / ".join(
            " ".join(f"{x:.2f}" for x in la) for la in (load_before, load_after)
        )
        header = f"{cases:,} cases, {messages:,} messages, {os.cpu_count()} cores"
        Path(args.save).write_text(
            json.dumps({"header": header, "load": loads, "rows": rows})
        )


if __name__ == "__main__":
    main()
