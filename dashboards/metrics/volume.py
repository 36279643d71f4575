"""Volume figures: opened, closed, backlog over time, stages, escalations, skips."""

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from complaints.models import OPEN_STAGES, STAGE_ORDER, Case, Event, Stage
from complaints.selectors import overdue_q

from .filters import MetricsFilter

STALL_DAYS = 7


def bucket_of(flt: MetricsFilter) -> str:
    """Days up to a quarter, weeks up to two years, months beyond."""
    if flt.days <= 92:
        return "day"
    return "week" if flt.days <= 731 else "month"


def volume_figures(
    *, cases: QuerySet[Case], flt: MetricsFilter, now: datetime
) -> dict[str, Any]:
    """Counts over the scoped cases: one pass for the period, one for now."""
    in_period = Q(created_at__gte=flt.lower, created_at__lt=flt.upper)
    open_now = Q(stage__in=OPEN_STAGES)
    funnel = {
        f"reached_{stage}": Count("pk", filter=in_period & _reached(stage))
        for stage in STAGE_ORDER
    }
    # Cases closed before the period only matter to the backlog at its start:
    # count them as "filed before minus closed before" would scan them all.
    relevant = Q(closed_at__isnull=True) | Q(closed_at__gte=flt.lower) | in_period
    row = cases.filter(relevant).aggregate(
        opened=Count("pk", filter=in_period),
        closed=Count("pk", filter=Q(closed_at__gte=flt.lower, closed_at__lt=flt.upper)),
        open_at_start=Count("pk", filter=Q(created_at__lt=flt.lower)),
        reopened=Count("pk", filter=in_period & Q(reopen_count__gt=0)),
        reopens=Sum("reopen_count", filter=in_period),
        skipping=Count("pk", filter=in_period & Q(skipped_steps__gt=0)),
        skipped=Sum("skipped_steps", filter=in_period),
        escalated=Count("pk", filter=open_now & Q(escalation_level__gt=0)),
        **funnel,
    )
    # Apart, so the deadline lookup runs for open cases only (stage index).
    row["overdue"] = cases.filter(open_now, overdue_q(now)).count()
    return volume_shape(row)


def volume_shape(row: dict[str, Any]) -> dict[str, Any]:
    """The volume figures from their counts (raw or rolled up)."""
    opened = row["opened"]
    return {
        "opened": opened,
        "closed": row["closed"],
        "backlog_at_start": row["open_at_start"],
        "overdue": row["overdue"],
        "escalated": row["escalated"],
        "funnel": [
            {
                "stage": stage,
                "label": Stage(stage).label,
                "cases": row[f"reached_{stage}"],
            }
            for stage in STAGE_ORDER
        ],
        "reopen": {
            "reopened_cases": row["reopened"],
            "reopens": row["reopens"] or 0,
            "rate": _share(row["reopened"], opened),
        },
        "skipping": {
            "cases": row["skipping"],
            "steps": row["skipped"] or 0,
            "rate": _share(row["skipping"], opened),
        },
    }


def _reached(stage: str) -> Q:
    later = STAGE_ORDER[STAGE_ORDER.index(stage) :]
    reached = Q(stage__in=later)
    if STAGE_ORDER.index(stage) <= STAGE_ORDER.index(Stage.RESOLVED):
        reached |= Q(reopen_count__gt=0)
    return reached


def open_groups(*, cases: QuerySet[Case], now: datetime) -> list[dict[str, Any]]:
    """The open cases now, counted per stage and assignee in one pass: how many,
    how many stalled, how many escalated, and the oldest filing."""
    quiet = now - timedelta(days=STALL_DAYS)
    return list(
        cases.filter(stage__in=OPEN_STAGES)
        .order_by()
        .values("stage", "assignee_id")
        .annotate(
            n=Count("pk"),
            stalled=Count("pk", filter=Q(updated_at__lt=quiet)),
            escalated=Count("pk", filter=Q(escalation_level__gt=0)),
            oldest=_min("created_at"),
        )
    )


def stage_figures(
    *, groups: list[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """Open cases now by stage: how many, how many stalled, oldest in days."""
    result = []
    for stage in OPEN_STAGES:
        rows = [row for row in groups if row["stage"] == stage]
        oldest = min((row["oldest"] for row in rows), default=None)
        result.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "open": sum(row["n"] for row in rows),
                "stalled": sum(row["stalled"] for row in rows),
                "oldest_days": (now - oldest).days if oldest else None,
            }
        )
    return result


def series_figures(
    *, cases: QuerySet[Case], flt: MetricsFilter, backlog_at_start: int
) -> list[dict[str, Any]]:
    """Opened, closed and the backlog at the end of each day, week or month."""
    bucket = bucket_of(flt)
    trunc = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}[bucket]
    tz = timezone.get_current_timezone()
    counts: dict[str, Counter] = {}
    for name in ("created_at", "closed_at"):
        rows = (
            cases.filter(**{f"{name}__gte": flt.lower, f"{name}__lt": flt.upper})
            .order_by()
            .annotate(bucket=trunc(name, tzinfo=tz))
            .values("bucket")
            .annotate(n=Count("pk"))
        )
        counts[name] = Counter({_day(r["bucket"]): r["n"] for r in rows})
    return series_shape(
        counts["created_at"], counts["closed_at"], flt, backlog_at_start
    )


def series_shape(
    opened: Counter, closed: Counter, flt: MetricsFilter, backlog_at_start: int
) -> list[dict[str, Any]]:
    """Opened, closed and the running backlog per bucket (counts keyed by start)."""
    backlog = backlog_at_start
    series = []
    for start in _buckets(flt, bucket_of(flt)):
        backlog += opened[start] - closed[start]
        series.append(
            {
                "start": start,
                "opened": opened[start],
                "closed": closed[start],
                "backlog": backlog,
            }
        )
    return series


def bucket_start(day: date, bucket: str) -> date:
    """The start of the day, week (Monday) or month bucket holding `day`."""
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1) if bucket == "month" else day


def _buckets(flt: MetricsFilter, bucket: str) -> list[date]:
    if bucket == "day":
        return [flt.start + timedelta(days=n) for n in range(flt.days)]
    if bucket == "week":
        first = flt.start - timedelta(days=flt.start.weekday())
        weeks = (flt.end - first).days // 7 + 1
        return [first + timedelta(weeks=n) for n in range(weeks)]
    months, day = [], flt.start.replace(day=1)
    while day <= flt.end:
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def escalation_figures(
    *, cases: QuerySet[Case], flt: MetricsFilter
) -> list[dict[str, Any]]:
    """Escalation events of the period by the level they reached."""
    rows = (
        Event.objects.filter(
            flt.case_q("case__"),
            kind="escalated",
            created_at__gte=flt.lower,
            created_at__lt=flt.upper,
        )
        .order_by()
        .values_list("after")
        .annotate(n=Count("pk"))
    )
    return escalation_shape(
        Counter({int(level): n for level, n in rows if level is not None})
    )


def escalation_shape(found: Counter) -> list[dict[str, Any]]:
    """Escalations per level reached (1: team lead, 2: manager)."""
    labels = {1: "Team lead", 2: "Manager"}
    return [
        {"level": level, "label": label, "escalations": found[level]}
        for level, label in labels.items()
    ]


def skip_figures(*, cases: QuerySet[Case], flt: MetricsFilter) -> list[dict[str, Any]]:
    """Which stages the skips made in the period jumped over, most skipped first."""
    # Skip events are few: a partial index (migration dashboards 0003) finds
    # the period's, and the case filter joins them to the scope.
    lists = Event.objects.filter(
        case_id__in=cases.filter(skipped_steps__gt=0).values("pk"),
        kind="stage_changed",
        data__move="skip",
        created_at__gte=flt.lower,
        created_at__lt=flt.upper,
    ).values_list("data__skipped", flat=True)
    counted: Counter = Counter()
    for skipped in lists.iterator(chunk_size=5000):
        counted.update(s for s in skipped or () if s in STAGE_ORDER)
    return skip_shape(counted)


def skip_shape(counted: Counter) -> list[dict[str, Any]]:
    """Skipped stages, most skipped first (ties in stage order)."""
    ranked = sorted(
        (kv for kv in counted.items() if kv[1]),
        key=lambda kv: (-kv[1], STAGE_ORDER.index(kv[0])),
    )
    return [
        {"stage": stage, "label": Stage(stage).label, "skips": n} for stage, n in ranked
    ]


def _min(name: str) -> Any:
    from django.db.models import Min

    return Min(F(name))


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).date()
            if timezone.is_aware(value)
            else value.date()
        )
    return value


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
