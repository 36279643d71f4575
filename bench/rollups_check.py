"""Compare the rolled-up dashboard figures with the raw ones on a loaded dataset.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/redress_dash_bench \\
        .venv/bin/python bench/rollups_check.py

For a manager and a team lead, every preset period and a few custom ones, with
and without each dimension, it computes the period figures both ways
(`raw_figures` reads the rows, `rolled_figures` the rollups), prints how long
each took and stops at the first difference. The tests do the same on the
demo data; this runs it on the bulk-loaded one.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402

from complaints.models import Case, Category  # noqa: E402
from dashboards.metrics import (  # noqa: E402
    dashboard_teams,
    filter_parse,
    raw_figures,
    scoped_cases,
)
from dashboards.metrics.rolled import rolled_figures  # noqa: E402
from dashboards.rollups.refresh import rollups_refresh  # noqa: E402

PERIODS = [
    {"period": "7d"},
    {"period": "90d"},
    {"period": "quarter"},
    {"period": "all"},
    {"from": "2025-02-14", "to": "2025-09-03"},
]


def main() -> None:
    users = get_user_model().objects
    now = timezone.now()
    rollups_refresh(now=now)
    category = Category.objects.order_by("pk").first()
    compared, raw_s, rolled_s = 0, 0.0, 0.0
    print(f"dataset: {Case.objects.count()} cases; {os.cpu_count()} cores")
    for name in ("bench-manager", "lead-team-0"):
        user = users.get(username=name)
        team = dashboard_teams(user).first()
        for period in PERIODS:
            for dims in (
                {},
                {"team": team.slug},
                {"category": category.slug},
                {"priority": "high", "channel": "email"},
            ):
                flt = filter_parse(user=user, params={**period, **dims})
                cases = scoped_cases(user=user, flt=flt)
                started = time.perf_counter()
                rolled = rolled_figures(cases=cases, flt=flt, now=now)
                middle = time.perf_counter()
                raw = raw_figures(cases=cases, flt=flt, now=now)
                rolled_s += middle - started
                raw_s += time.perf_counter() - middle
                if rolled != raw:
                    for key in raw:
                        if rolled[key] != raw[key]:
                            print(f"DIFFERENT {name} {period} {dims} {key}:")
                            print(f"  raw    {raw[key]}")
                            print(f"  rolled {rolled[key]}")
                    raise SystemExit(1)
                compared += 1
    print(
        f"{compared} views agree; period figures raw {raw_s:.1f} s, "
        f"rolled {rolled_s:.1f} s ({raw_s / rolled_s:.0f}x)"
    )


if __name__ == "__main__":
    main()
