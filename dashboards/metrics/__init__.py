"""The dashboard figures: one piece of code for /dashboard/, its CSV exports and
GET /api/v1/metrics/summary/.

- `filters`: the filter (period, team, category, priority, channel) and scoping;
- `volume`, `sla`, `offers`, `people`, `customers`: the figures, each a few SQL
  aggregates over the scoped rows, so the number of queries does not grow
  with the data (`raw_figures`);
- `rolled`: the same period figures from the rollup tables, on PostgreSQL
  (`dashboards.rollups`), which must agree with the raw ones;
- `tables`: the same figures as titled tables (for screen readers and CSV);
- `definitions`: what each figure means (page footnotes and API schema).
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from complaints.models import Case, Event

from ..rollups.refresh import rollups_enabled, rollups_refresh
from ..services import durations_refresh_recent
from .customers import customer_figures
from .definitions import DEFINITIONS
from .filters import (
    PRESETS,
    FilterInvalid,
    MetricsFilter,
    dashboard_teams,
    filter_parse,
    may_see_dashboard,
    scoped_cases,
)
from .offers import offer_figures
from .people import agent_figures, ranking_figures, satisfaction_figures
from .rolled import rolled_figures
from .sla import compliance_figures, duration_figures
from .volume import (
    bucket_of,
    escalation_figures,
    open_groups,
    series_figures,
    skip_figures,
    stage_figures,
    volume_figures,
)

# Durations computed inline per view at most; a periodic task does the rest.
INLINE_REFRESH_LIMIT = 500
# Changed cases a view folds into the rollups itself; with more (or no
# rollups built yet) it reads the raw rows while beat's refresh catches up.
INLINE_ROLLUP_CASES = 2000
# How long a computed summary may be reused (a newer event makes a new key).
SUMMARY_SECONDS = 120
WORK_MEM = "64MB"
# Percentiles and customer counts over periods longer than this many days are
# reused for up to LONG_SECONDS (see long_figures).
LONG_DAYS = 31
LONG_SECONDS = 300


def metrics_summary(
    *,
    user: Any,
    flt: MetricsFilter | None = None,
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
    **dimensions: Any,
) -> dict[str, Any]:
    """Compute every dashboard figure over the cases `user` may see.

    Pass a parsed `flt`, or `start`/`end` and slugs/values of `team`,
    `category`, `priority`, `channel` (raises FilterInvalid on unknown ones).
    """
    if flt is None:
        params = {k: v for k, v in dimensions.items() if v}
        params.update(
            {"from": start and start.isoformat(), "to": end and end.isoformat()}
        )
        flt = filter_parse(user=user, params=params)
    now = now or timezone.now()
    cases = scoped_cases(user=user, flt=flt)
    durations_refresh_recent(now=timezone.now(), limit=INLINE_REFRESH_LIMIT)
    rolled = rollups_enabled()
    if rolled:
        done = rollups_refresh(now=now, wait=False, limit=INLINE_ROLLUP_CASES)
        rolled = not done.behind
    with _analytic():
        return _summary(cases=cases, flt=flt, now=now, rolled=rolled)


def _summary(
    *, cases: QuerySet[Case], flt: MetricsFilter, now: datetime, rolled: bool
) -> dict[str, Any]:
    groups = open_groups(cases=cases, now=now)
    if rolled:
        period = rolled_figures(cases=cases, flt=flt, now=now, groups=groups)
    else:
        period = raw_figures(cases=cases, flt=flt, now=now)
    volume = period["volume"]
    stages = stage_figures(groups=groups, now=now)
    long = long_figures(cases=cases, flt=flt, now=now)
    return {
        "from": flt.start,
        "to": flt.end,
        "filter": flt,
        "bucket": bucket_of(flt),
        **{k: v for k, v in volume.items() if k not in ("reopen", "skipping")},
        "by_stage": {row["stage"]: row["open"] for row in stages},
        "open_now": sum(row["open"] for row in stages),
        "stages": stages,
        "series": period["series"],
        "sla": period["sla"],
        "times": long["times"],
        "escalations": period["escalations"],
        "reopen": volume["reopen"],
        "offers": period["offers"],
        **period["people"],
        "customers": long["customers"],
        "long_as_of": long["as_of"],
        "categories": period["categories"],
        "root_causes": period["root_causes"],
        "agents": period["agents"],
        "skips": {**volume["skipping"], "stages": period["skips"]},
    }


def long_figures(
    *, cases: QuerySet[Case], flt: MetricsFilter, now: datetime
) -> dict[str, Any]:
    """The percentiles and the customer counts, which no rollup can add up.

    Over a period longer than LONG_DAYS they cost a sort of up to every case
    (about a second at a million), and they barely move from one minute to
    the next, so they are kept up to LONG_SECONDS per filter and scope and
    shown with the time they were computed (`as_of`); shorter periods are
    always computed afresh (`as_of` None).
    """

    def compute() -> dict[str, Any]:
        return {
            "times": duration_figures(cases=cases, flt=flt),
            "customers": customer_figures(cases=cases, flt=flt),
        }

    if flt.days <= LONG_DAYS or not LONG_SECONDS:
        return {**compute(), "as_of": None}
    key = _cache_key("long", flt)
    kept = cache.get(key)
    if kept is None:
        kept = {**compute(), "as_of": now}
        cache.set(key, kept, LONG_SECONDS)
    return kept


def _cache_key(kind: str, flt: MetricsFilter, *extra: Any) -> str:
    """A cache key for figures of the viewer's scope and filter (and `extra`)."""
    raw = repr(
        (
            connection.settings_dict["NAME"],
            flt.visible_team_ids,
            sorted(flt.query().items()),
            flt.start,
            flt.end,
            *extra,
        )
    )
    return f"dashboards:{kind}:" + hashlib.sha256(raw.encode()).hexdigest()


@contextmanager
def _analytic() -> Iterator[None]:
    """On PostgreSQL, give the summary's sorts and hashes room in memory (the
    default 4 MB spills a year of cases to disk); for this transaction only."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        yield


def raw_figures(*, cases: QuerySet[Case], flt: MetricsFilter, now: datetime) -> dict:
    """The period figures straight from the cases (SQLite, and the reference the
    rollups are tested against); the same keys as `rolled_figures`."""
    volume = volume_figures(cases=cases, flt=flt, now=now)
    return {
        "volume": volume,
        "series": series_figures(
            cases=cases, flt=flt, backlog_at_start=volume["backlog_at_start"]
        ),
        "sla": compliance_figures(cases=cases, flt=flt, now=now),
        "escalations": escalation_figures(cases=cases, flt=flt),
        "skips": skip_figures(cases=cases, flt=flt),
        "people": satisfaction_figures(cases=cases, flt=flt, now=now),
        "offers": offer_figures(cases=cases, flt=flt),
        "categories": ranking_figures(cases=cases, flt=flt, field="category"),
        "root_causes": ranking_figures(cases=cases, flt=flt, field="root_cause"),
        "agents": agent_figures(cases=cases, flt=flt, now=now),
    }


def metrics_summary_cached(*, user: Any, flt: MetricsFilter) -> dict[str, Any]:
    """`metrics_summary`, served from the cache while nothing has changed.

    The key holds the viewer's scope, the filter, the newest timeline event
    (every change to a case appends one, so any write makes a new key) and
    the current minute (for the figures that age by themselves: overdue,
    stalled). A repeated view costs one indexed query.
    """
    latest = Event.objects.aggregate(latest=Max("pk"))["latest"]
    now = timezone.now()
    key = _cache_key("summary", flt, latest, now.replace(second=0, microsecond=0))
    summary = cache.get(key)
    if summary is None:
        summary = metrics_summary(user=user, flt=flt, now=now)
        if SUMMARY_SECONDS:
            kept = {k: v for k, v in summary.items() if k != "filter"}
            cache.set(key, kept, SUMMARY_SECONDS)
        return summary
    return {**summary, "filter": flt}


__all__ = [
    "DEFINITIONS",
    "PRESETS",
    "FilterInvalid",
    "MetricsFilter",
    "dashboard_teams",
    "filter_parse",
    "may_see_dashboard",
    "metrics_summary",
    "metrics_summary_cached",
    "scoped_cases",
]
