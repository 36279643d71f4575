"""The period figures over `CaseFacts`: each declared once, as an ORM aggregate.

`counts()` names every scalar figure that adds up over time and says how it
counts; `spread()` the rest (percentiles, distinct customers, the backlog at
the start). A short period evaluates them all in one query over the facts
active in it (filed before its end, active until after its start), on
PostgreSQL and SQLite alike. A long one reads the counts of its whole past
months from the monthly rollup (`MonthFacts`, rolled by `dashboards.months`
with these same declarations) and only its edge days from the facts. The
series, the rankings and the per-agent figures group the same facts. A new
figure is one entry here (and its test).
"""

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    Aggregate,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from complaints.models import STAGE_ORDER, Stage

from ..apps import Percentile
from ..models import CaseFacts, MonthFacts
from .filters import MetricsFilter, midnight

TOP = 10
CLOCKS = {"first_response": "fr", "resolution": "res"}
DURATIONS = {
    "first_response": ("first_response_seconds", "first_response_at"),
    "resolution": ("resolution_seconds", "resolved_at"),
    "first_apology": ("first_apology_seconds", "first_apology_at"),
}
LONG = 92  # days: longer periods read their whole months from the rollup


def within(name: str, flt: MetricsFilter, before: datetime | None = None) -> Q:
    """`name` falls in the period (its `spans`), and before `before` if given."""
    found = Q()
    for lower, upper in flt.spans:
        upper = min(upper, before) if before else upper
        found |= Q(**{f"{name}__gte": lower, f"{name}__lt": upper})
    return found


def reached_q(stage: str) -> Q:
    """The case got at least as far as `stage` (a reopened one reached resolved)."""
    reached = Q(stage__in=STAGE_ORDER[STAGE_ORDER.index(stage) :])
    if STAGE_ORDER.index(stage) <= STAGE_ORDER.index(Stage.RESOLVED):
        reached |= Q(reopen_count__gt=0)
    return reached


def clock_q(prefix: str, flt: MetricsFilter, now: datetime) -> tuple[Q, Q]:
    """(met on time, missed) for a clock decided in the period; see DEFINITIONS."""
    due, met, paused, cancelled = (
        f"{prefix}_{m}_at" for m in ("due", "met", "paused", "cancelled")
    )
    on_time = within(met, flt) & Q(**{f"{met}__lte": F(due)})
    missed = (
        within(due, flt, now)
        & (Q(**{f"{met}__isnull": True}) | Q(**{f"{met}__gt": F(due)}))
        & (Q(**{f"{paused}__isnull": True}) | Q(**{f"{paused}__gt": F(due)}))
        & (Q(**{f"{cancelled}__isnull": True}) | Q(**{f"{cancelled}__gt": F(due)}))
    )
    return on_time, missed


def counts(flt: MetricsFilter, now: datetime) -> dict[str, Aggregate]:
    """Every scalar period figure that adds up over time, by name."""
    filed, closed = within("filed_at", flt), within("closed_at", flt)
    offered, rescored = within("first_offer_at", flt), within("csat_after_at", flt)
    found: dict[str, Aggregate] = {
        "opened": Count("pk", filter=filed),
        "closed": Count("pk", filter=closed),
        "first_offers": Count("pk", filter=offered),
        "first_offers_accepted": Count(
            "pk", filter=offered & Q(first_offer_accepted=True)
        ),
        "rescored": Count("pk", filter=rescored),
        "csat_before": Sum("csat_before", filter=rescored, default=0),
        "csat_after": Sum("csat_after", filter=rescored, default=0),
        "reopened": Count("pk", filter=filed & Q(reopen_count__gt=0)),
        "reopens": Sum("reopen_count", filter=filed, default=0),
        "skipping": Count("pk", filter=filed & Q(skipped_steps__gt=0)),
        "skipped": Sum("skipped_steps", filter=filed, default=0),
        "escalations_1": Count("pk", filter=within("escalated_1_at", flt)),
        "escalations_2": Count("pk", filter=within("escalated_2_at", flt)),
    }
    for stage in STAGE_ORDER:
        found[f"reached_{stage}"] = Count("pk", filter=filed & reached_q(stage))
    for name, prefix in CLOCKS.items():
        on_time, missed = clock_q(prefix, flt, now)
        found[f"{name}_on_time"] = Count("pk", filter=on_time)
        found[f"{name}_missed"] = Count("pk", filter=missed)
    for name, (seconds, moment) in DURATIONS.items():
        timed = within(moment, flt) & Q(**{f"{seconds}__isnull": False})
        found[f"{name}_timed"] = Count("pk", filter=timed)
    return found


def spread(flt: MetricsFilter) -> dict[str, Aggregate]:
    """The scalar period figures that do not add up over time, by name."""
    open_at_start = Q(filed_at__lt=flt.lower) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=flt.lower)
    )
    closed = within("closed_at", flt) & Q(customer__isnull=False)
    found: dict[str, Aggregate] = {
        "backlog_at_start": Count("pk", filter=open_at_start),
        "customers_closed": Count("customer", distinct=True, filter=closed),
        "customers_again": Count(
            "customer", distinct=True, filter=closed & Q(refiled_90d=True)
        ),
    }
    for name, (seconds, moment) in DURATIONS.items():
        timed = within(moment, flt) & Q(**{f"{seconds}__isnull": False})
        for label, fraction in (("median", 0.5), ("p90", 0.9)):
            found[f"{name}_{label}"] = Percentile(seconds, fraction, filter=timed)
    return found


def active(
    facts: QuerySet[CaseFacts], flt: MetricsFilter, *, open_too: bool = True
) -> QuerySet[CaseFacts]:
    """The facts of cases that can count in the period (see CaseFacts); with
    `open_too`, every case open at its end (the backlog counts them)."""
    found = Q()
    for lower, upper in flt.spans:
        found |= Q(filed_at__lt=upper, active_until__gte=lower)
        if open_too:
            found |= Q(filed_at__lt=upper, closed_at__isnull=True)
    return facts.filter(found)


def whole_months(flt: MetricsFilter, rolled: datetime | None) -> list[date]:
    """The whole months of a long period that ended before the rollup was last
    rolled (`rolled`: as the facts were last refreshed)."""
    if rolled is None:
        return []
    months, month = [], (flt.start - timedelta(days=1)).replace(day=1)
    current = timezone.localtime(rolled).date().replace(day=1)
    while flt.days > LONG and (month := _next(month)) < current:
        if month >= flt.start and _next(month) - timedelta(days=1) <= flt.end:
            months.append(month)
    return months


def scalars(
    facts: QuerySet[CaseFacts],
    flt: MetricsFilter,
    now: datetime,
    as_of: datetime | None,
) -> dict:
    """Every scalar figure: whole past months from the rollup, the rest from facts."""
    months = whole_months(flt, as_of and min(as_of, now))
    if not months:
        return active(facts, flt).aggregate(**counts(flt, now), **spread(flt))
    first, after = midnight(months[0]), midnight(_next(months[-1]))
    edges = replace(flt, ranges=((flt.lower, first), (after, flt.upper)))
    row = active(facts, edges, open_too=False).aggregate(**counts(edges, now))
    rolled = MonthFacts.objects.filter(flt.case_q(), month__in=months).aggregate(
        **{
            name: Sum(Cast(KT(f"counts__{name}"), IntegerField()), default=0)
            for name in row
        }
    )
    spreads = active(facts, flt).aggregate(**spread(flt))
    return {name: n + rolled[name] for name, n in row.items()} | spreads


def period_figures(
    *,
    facts: QuerySet[CaseFacts],
    flt: MetricsFilter,
    now: datetime,
    as_of: datetime | None = None,
) -> dict[str, Any]:
    """The scalar period figures, shaped as the summary shows them."""
    row = scalars(facts, flt, now, as_of)
    opened = row["opened"]
    sla, times = {}, {}
    for name in CLOCKS:  # the durations of the SLA clocks
        on_time, missed = row[f"{name}_on_time"], row[f"{name}_missed"]
        sla[name] = {
            "met_on_time": on_time,
            "missed": missed,
            "decided": on_time + missed,
            "compliance": share(on_time, on_time + missed),
        }
        times[name] = {
            "cases": row[f"{name}_timed"],
            "median_hours": hours(row[f"{name}_median"]),
            "p90_hours": hours(row[f"{name}_p90"]),
        }
    return {
        "opened": opened,
        "closed": row["closed"],
        "backlog_at_start": row["backlog_at_start"],
        "funnel": [
            {"stage": s, "label": Stage(s).label, "cases": row[f"reached_{s}"]}
            for s in STAGE_ORDER
        ],
        "reopen": {
            "reopened_cases": row["reopened"],
            "reopens": row["reopens"],
            "rate": share(row["reopened"], opened),
        },
        "skipping": {
            "cases": row["skipping"],
            "steps": row["skipped"],
            "rate": share(row["skipping"], opened),
        },
        "sla": sla,
        "times": times,
        "escalations": [
            {"level": 1, "label": "Team lead", "escalations": row["escalations_1"]},
            {"level": 2, "label": "Manager", "escalations": row["escalations_2"]},
        ],
        "recovery": {
            "first_apology": {
                "cases": row["first_apology_timed"],
                "median_hours": hours(row["first_apology_median"]),
                "p90_hours": hours(row["first_apology_p90"]),
            },
            "first_offer": {
                "cases": row["first_offers"],
                "accepted": row["first_offers_accepted"],
                "rate": share(row["first_offers_accepted"], row["first_offers"]),
            },
            "recurrence": {
                "customers": row["customers_closed"],
                "again": row["customers_again"],
                "rate": share(row["customers_again"], row["customers_closed"]),
            },
            "rescored": {
                "cases": row["rescored"],
                "before": mean(row["csat_before"], row["rescored"]),
                "after": mean(row["csat_after"], row["rescored"]),
            },
        },
    }


def bucket_of(flt: MetricsFilter) -> str:
    """Days up to a quarter, weeks up to two years, months beyond."""
    if flt.days <= 92:
        return "day"
    return "week" if flt.days <= 731 else "month"


def series_figures(
    *, facts: QuerySet[CaseFacts], flt: MetricsFilter, backlog_at_start: int
) -> list[dict[str, Any]]:
    """Opened, closed and the backlog at the end of each day, week or month."""
    bucket = bucket_of(flt)
    trunc = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}[bucket]
    tz = timezone.get_current_timezone()
    found = {}
    for name in ("filed_at", "closed_at"):
        rows = (
            facts.filter(within(name, flt))
            .annotate(bucket=trunc(name, tzinfo=tz))
            .values("bucket")
            .annotate(n=Count("pk"))
        )
        found[name] = Counter({_day(r["bucket"]): r["n"] for r in rows})
    backlog, series = backlog_at_start, []
    for start in _buckets(flt, bucket):
        opened, closed = found["filed_at"][start], found["closed_at"][start]
        backlog += opened - closed
        series.append(
            {"start": start, "opened": opened, "closed": closed, "backlog": backlog}
        )
    return series


def ranking_figures(
    *, facts: QuerySet[CaseFacts], flt: MetricsFilter, field: str
) -> list[dict[str, Any]]:
    """Cases filed by `field` (category or root_cause): now, before, trend, share."""
    now_q, before_q = within("filed_at", flt), within("filed_at", flt.previous())
    rows = list(
        facts.filter(now_q | before_q)
        .values(field, f"{field}__slug", f"{field}__name")
        .annotate(n=Count("pk", filter=now_q), previous=Count("pk", filter=before_q))
        .order_by("-n", f"{field}__name")
    )
    total = sum(r["n"] for r in rows)
    running, result = 0, []
    for row in rows:
        running += row["n"]
        if len(result) >= TOP or not (row["n"] or row["previous"]):
            continue
        result.append(
            {
                "id": row[field],
                "slug": row[f"{field}__slug"] or "",
                "name": row[f"{field}__name"] or "(none recorded)",
                "cases": row["n"],
                "previous": row["previous"],
                "change": row["n"] - row["previous"],
                "cumulative_share": share(running, total),
            }
        )
    return result


def agent_period_figures(
    *, facts: QuerySet[CaseFacts], flt: MetricsFilter, now: datetime
) -> dict[int, dict[str, int]]:
    """Per assignee: cases filed and closed in the period, and their
    first-response clocks decided in it."""
    on_time, missed = clock_q("fr", flt, now)
    rows = (
        active(facts, flt, open_too=False)
        .filter(assignee__isnull=False)
        .values("assignee")
        .annotate(
            filed=Count("pk", filter=within("filed_at", flt)),
            closed=Count("pk", filter=within("closed_at", flt)),
            on_time=Count("pk", filter=on_time),
            missed=Count("pk", filter=missed),
        )
    )
    found = {}
    for row in rows:
        pk = row.pop("assignee")
        if any(row.values()):
            found[pk] = row
    return found


def _next(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def _buckets(flt: MetricsFilter, bucket: str) -> list[date]:
    if bucket == "day":
        return [flt.start + timedelta(days=n) for n in range(flt.days)]
    if bucket == "week":
        first = flt.start - timedelta(days=flt.start.weekday())
        return [
            first + timedelta(weeks=n) for n in range((flt.end - first).days // 7 + 1)
        ]
    months, day = [], flt.start.replace(day=1)
    while day <= flt.end:
        months.append(day)
        day = _next(day)
    return months


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).date()
            if timezone.is_aware(value)
            else value.date()
        )
    return value


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def mean(total: int, n: int) -> float | None:
    return round(total / n, 2) if n else None


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)
