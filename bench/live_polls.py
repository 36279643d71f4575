"""Benchmark: what one idle open tab costs, polling the inbox or a case page.

static/live.js polls every POLL_SECONDS while the tab is visible (none while it
is hidden). An idle tab's poll is answered 304 after a stamp query; this
measures that answer's server time and queries (and, for comparison, the 200
answer a changed page gets), for an agent who sees half the cases and a
manager who sees all of them. Uses bench/web_pages.py's bulk loader.

    .venv/bin/python bench/live_polls.py [--cases 20000] [--reload]

The database is BENCH_DATABASE_URL (default redress_live_bench on 127.0.0.1).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/redress_live_bench"
)
import web_pages  # noqa: E402  (sets the Django environment up first)

RUNS = 60


def timed(client, url: str, etag: str = "") -> tuple[float, int, int, str]:
    """One request: (ms, queries, status, ETag)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(url, **headers)
        ms = (time.perf_counter() - start) * 1000
    return ms, len(ctx.captured_queries), response.status_code, response.get("ETag")


def row(name: str, client, url: str, before=lambda: None) -> None:
    """Time `url`'s 304 (calling `before` ahead of each) and its 200."""
    for _ in range(3):  # warm up
        timed(client, url)
    fresh, changed, queries = [], [], set()
    for _ in range(RUNS // 4):
        ms, n, status, _ = timed(client, url)
        assert status == 200, (url, status)
        changed.append(ms)
    etag = timed(client, url)[3]
    for _ in range(RUNS):
        before()
        ms, n, status, _ = timed(client, url, etag)
        assert status == 304, (url, status)
        fresh.append(ms)
        queries.add(n)
    fresh.sort()
    p95 = fresh[int(len(fresh) * 0.95) - 1]
    print(
        f"{name:34} {statistics.median(fresh):7.1f} {p95:7.1f} "
        f"{'/'.join(map(str, sorted(queries))):>7} {statistics.median(changed):9.1f}"
    )


def measure() -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from complaints.actors import Actor
    from complaints.models import Case
    from complaints.selectors import cases_visible_to
    from teams.services import staff_create
    from web.selectors.live import POLL_SECONDS, changes_note

    def busy() -> None:
        changes_note([])

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    users = get_user_model().objects
    agent = users.get(username="bench-agent")
    manager = users.filter(username="bench-manager").first() or staff_create(
        username="bench-manager",
        password=None,
        teams=[],
        role="manager",
        by=Actor.system("bench"),
    )
    ref = cases_visible_to(agent).exclude(stage="closed").first().reference
    print(
        f"cpu_count={os.cpu_count()} cases={Case.objects.count():,} "
        f"visible to the agent={cases_visible_to(agent).count():,} "
        f"cache={settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]} "
        f"load average={os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'poll (idle: 304)':34} {'p50 ms':>7} {'p95 ms':>7} {'queries':>7} "
        f"{'200 p50 ms':>9}"
    )
    for who, user in (("agent", agent), ("manager", manager)):
        client = Client()
        client.force_login(user)
        row(f"inbox, {who}", client, "/live/inbox/")
        row(f"inbox unassigned, {who}", client, "/live/inbox/?queue=unassigned")
        # A busy system: some case changed elsewhere before every poll, so the
        # stamp is computed again (still 304: nothing this user sees moved).
        row(f"inbox, busy elsewhere, {who}", client, "/live/inbox/", busy)
        row(f"case page, {who}", client, f"/cases/{ref}/live/?seen=0")
        row(f"bell (other pages), {who}", client, "/notifications/bell/")
    per_minute = 60 // POLL_SECONDS
    print(
        f"requests per open tab: {per_minute}/min while visible, 0 while hidden "
        f"(one poll carries the page and the bell)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--reload", action="store_true", help="drop and reload")
    args = parser.parse_args()
    web_pages.CASES = args.cases
    web_pages.CUSTOMERS = max(args.cases * 2 // 5, 1)
    must_load = web_pages.ensure_database(args.reload)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if must_load:
        web_pages.load()
    measure()


if __name__ == "__main__":
    main()
