"""The period figures over `CaseFacts`: each declared once, as an ORM aggregate.

`aggregates()` names every scalar figure and says how it counts; one query
evaluates them all over the facts active in the period (filed before its
end, active until after its start), on PostgreSQL and SQLite alike. The
series, the rankings and the per-agent figures group the same facts. A new
figure is one entry here (and its test).
"""

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Aggregate, Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from complaints.models import STAGE_ORDER, Stage

from ..models import CaseFacts
from .filters import MetricsFilter

TOP = 10
CLOCKS = {"first_response": "fr", "resolution": "res"}
DURATIONS = {
    "first_response": ("first_response_seconds", "first_response_at"),
    "resolution": ("resolution_seconds", "resolved_at"),
}


class Percentile(Aggregate):
    """The continuous percentile (linear interpolation) of a column."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: str, fraction: float, **extra: Any):
        super().__init__(expression, fraction=float(fraction), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # dash_percentile is registered on each SQLite connection (apps.py).
        clone = self.copy()
        clone.template = "dash_percentile(%(expressions)s, %(fraction)s)"
        return clone.as_sql(compiler, connection, **extra)


def within(name: str, flt: MetricsFilter, upper: datetime | None = None) -> Q:
    """`name` falls in the period (before `upper` if given)."""
    return Q(**{f"{name}__gte": flt.lower, f"{name}__lt": upper or flt.upper})


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
        within(due, flt, min(flt.upper, now))
        & (Q(**{f"{met}__isnull": True}) | Q(**{f"{met}__gt": F(due)}))
        & (Q(**{f"{paused}__isnull": True}) | Q(**{f"{paused}__gt": F(due)}))
        & (Q(**{f"{cancelled}__isnull": True}) | Q(**{f"{cancelled}__gt": F(due)}))
    )
    return on_time, missed


def aggregates(flt: MetricsFilter, now: datetime) -> dict[str, Aggregate]:
    """Every scalar period figure, by name."""
    filed = within("filed_at", flt)
    open_at_start = Q(filed_at__lt=flt.lower) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=flt.lower)
    )
    found: dict[str, Aggregate] = {
        "opened": Count("pk", filter=filed),
        "closed": Count("pk", filter=within("closed_at", flt)),
        "backlog_at_start": Count("pk", filter=open_at_start),
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
        for label, fraction in (("median", 0.5), ("p90", 0.9)):
            found[f"{name}_{label}"] = Percentile(seconds, fraction, filter=timed)
    return found


def active(facts: QuerySet[CaseFacts], flt: MetricsFilter) -> QuerySet[CaseFacts]:
    """The facts of cases that can count in the period (see CaseFacts)."""
    return facts.filter(filed_at__lt=flt.upper, active_until__gte=flt.lower)


def period_figures(
    *, facts: QuerySet[CaseFacts], flt: MetricsFilter, now: datetime
) -> dict[str, Any]:
    """The scalar period figures, shaped as the summary shows them."""
    row = active(facts, flt).aggregate(**aggregates(flt, now))
    opened = row["opened"]
    sla, times = {}, {}
    for name in CLOCKS:
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
    counts = {}
    for name in ("filed_at", "closed_at"):
        rows = (
            facts.filter(within(name, flt))
            .annotate(bucket=trunc(name, tzinfo=tz))
            .values("bucket")
            .annotate(n=Count("pk"))
        )
        counts[name] = Counter({_day(r["bucket"]): r["n"] for r in rows})
    backlog, series = backlog_at_start, []
    for start in _buckets(flt, bucket):
        opened, closed = counts["filed_at"][start], counts["closed_at"][start]
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
        active(facts, flt)
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
        day = (day + timedelta(days=32)).replace(day=1)
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


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)
