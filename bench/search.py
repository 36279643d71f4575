"""Benchmark: global search at scale — p95 of the search page and the API's `q`.

    .venv/bin/python bench/search.py [--cases 200000] [--messages 1000000] [--reload]
        [--load-only] [--only search|inbox|sorts|queues] [--deadlines] [--database name]
        [--save run.json] [--before earlier.json]

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
with its badge counts and its (capped) count. `--only search|inbox` times one side;
`--only sorts` times All open searched for a rare and a common word under each
of the inbox's other orders; `--only queues` times every queue the user is
offered (the lead's and the manager's) searched for a rare and a common word
in its default order (by deadline). `--deadlines` first gives the open cases running
SLA clocks (the loaded cases have none; the inbox's default order is by them):
once, and on a copy (`--database`).
Prints p50/p95 with the dataset size, core count and load average;
`--save` writes the figures to a file, `--before` prints a saved run beside
(run the older code with `--save`, then the newer with `--before`).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search_load import BENCH_DB, RARE, SERVER, add_deadlines, load  # noqa: E402

RUNS, WARMUP = 20, 3
# The inbox's search box searches one queue: its default (Mine: empty for the
# bench's users, who are assigned nothing), every open case, recently closed.
INBOX_QUEUES = ("mine", "all", "closed")
# `--only sorts`: All open searched under the inbox's other orders (the default
# is by deadline).
OTHER_SORTS = ("newest", "oldest", "priority", "updated", "reference")


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
    from web.selectors.inbox import queues_for

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
            for queue in INBOX_QUEUES if "inbox" in only else ():

                def on_inbox(q=q, page=page, queue=queue):
                    answer = page.get("/", {"q": q, "queue": queue})
                    assert answer.status_code == 200, answer.status_code

                results.append((username, kind, f"inbox {queue}", timed(on_inbox)))
            if kind not in ("rare word", "common word"):
                continue
            for queue in queues_for(user) if "queues" in only else ():

                def on_queue(q=q, page=page, queue=queue.key):
                    answer = page.get("/", {"q": q, "queue": queue})
                    assert answer.status_code == 200, answer.status_code

                results.append((username, kind, f"queue {queue.key}", timed(on_queue)))
            if "sorts" not in only:
                continue
            for sort in OTHER_SORTS:

                def on_sorted(q=q, page=page, sort=sort):
                    answer = page.get("/", {"q": q, "queue": "all", "sort": sort})
                    assert answer.status_code == 200, answer.status_code

                results.append((username, kind, f"all {sort}", timed(on_sorted)))
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
        choices=("search", "inbox", "sorts", "queues"),
        help="time only the search page and API, only the inbox, only All "
        "open searched under the inbox's other sorts, or only every queue in "
        "its default order (the last two not timed otherwise)",
    )
    parser.add_argument(
        "--deadlines",
        action="store_true",
        help="give the open cases running SLA clocks first (once; on a copy)",
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
    if args.deadlines:
        print(f"running clocks added: {add_deadlines():,}", flush=True)
    if args.load_only:
        return
    from sla.models import Deadline

    cases, messages = Case.objects.count(), Message.objects.count()
    clocks = Deadline.objects.filter(
        met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True
    ).count()
    print(
        f"\n{cases:,} cases, {messages:,} messages, {clocks:,} running clocks, "
        f"{os.cpu_count()} cores; "
        f"{RUNS} timed runs after {WARMUP} warm-ups; target p95 < 100 ms"
    )
    load_before = os.getloadavg()
    before = json.loads(Path(args.before).read_text()) if args.before else None
    if before:
        print(f"before: {before['header']}; load average {before['load']}")
    print("load average before: " + " ".join(f"{x:.2f}" for x in load_before))
    head = f"{'who':14} {'query':16} {'path':16} {'p50 ms':>8} {'p95 ms':>8}"
    print(head + (f" {'before p50':>11} {'before p95':>11}" if before else ""))
    rows = [
        [who, kind, path, t["p50"], t["p95"]]
        for who, kind, path, t in measure(
            cases, (args.only,) if args.only else ("search", "inbox")
        )
    ]
    earlier = {tuple(row[:3]): row[3:] for row in before["rows"]} if before else {}
    for who, kind, path, p50, p95 in rows:
        line = f"{who:14} {kind:16} {path:16} {p50:8.1f} {p95:8.1f}"
        if (who, kind, path) in earlier:
            line += " {:11.1f} {:11.1f}".format(*earlier[who, kind, path])
        print(line)
    load_after = os.getloadavg()
    print("load average after: " + " ".join(f"{x:.2f}" for x in load_after))
    if args.save:
        loads = " / ".join(
            " ".join(f"{x:.2f}" for x in la) for la in (load_before, load_after)
        )
        header = (
            f"{cases:,} cases, {messages:,} messages, {clocks:,} running clocks, "
            f"{os.cpu_count()} cores"
        )
        Path(args.save).write_text(
            json.dumps({"header": header, "load": loads, "rows": rows})
        )


if __name__ == "__main__":
    main()
