"""SLA figures: deadline compliance and business-hours times (median, p90)."""

import math
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet

from complaints.models import Case
from sla.models import Deadline, DeadlineKind

from ..models import CaseDurations
from .filters import MetricsFilter


def decided_q(flt: MetricsFilter, now: datetime, prefix: str = "") -> tuple[Q, Q]:
    """(met on time, missed) for deadlines decided in the period; see DEFINITIONS."""
    p = prefix
    upper = min(flt.upper, now)
    on_time = Q(
        **{
            f"{p}met_at__gte": flt.lower,
            f"{p}met_at__lt": flt.upper,
            f"{p}met_at__lte": F(f"{p}due_at"),
        }
    )
    due_in = Q(**{f"{p}due_at__gte": flt.lower, f"{p}due_at__lt": upper})
    late = Q(**{f"{p}met_at__isnull": True}) | Q(**{f"{p}met_at__gt": F(f"{p}due_at")})
    not_stopped_before_due = (
        Q(**{f"{p}paused_at__isnull": True})
        | Q(**{f"{p}paused_at__gt": F(f"{p}due_at")})
    ) & (
        Q(**{f"{p}cancelled_at__isnull": True})
        | Q(**{f"{p}cancelled_at__gt": F(f"{p}due_at")})
    )
    return on_time, due_in & late & not_stopped_before_due


def compliance_figures(
    *, cases: QuerySet[Case], flt: MetricsFilter, now: datetime
) -> dict[str, dict[str, Any]]:
    """Met on time / decided, per deadline kind."""
    on_time, missed = decided_q(flt, now)
    rows = {
        row["kind"]: row
        for row in Deadline.objects.filter(flt.case_q("case__"))
        .filter(on_time | missed)
        .order_by()
        .values("kind")
        .annotate(
            on_time=Count("pk", filter=on_time), missed=Count("pk", filter=missed)
        )
    }
    return compliance_shape(rows)


def compliance_shape(rows: dict[str, dict[str, int]]) -> dict[str, dict[str, Any]]:
    """Compliance per deadline kind from {kind: {on_time, missed}}."""
    result = {}
    for kind in DeadlineKind.values:
        row = rows.get(kind, {"on_time": 0, "missed": 0})
        decided = row["on_time"] + row["missed"]
        result[kind] = {
            "met_on_time": row["on_time"],
            "missed": row["missed"],
            "decided": decided,
            "compliance": round(row["on_time"] / decided, 4) if decided else None,
        }
    return result


def duration_figures(
    *, cases: QuerySet[Case], flt: MetricsFilter
) -> dict[str, dict[str, Any]]:
    """Median and p90 business hours to first response and to resolution."""
    specs = {
        "first_response": (
            "first_response_seconds",
            Q(first_response_at__gte=flt.lower, first_response_at__lt=flt.upper),
        ),
        "resolution": (
            "resolution_seconds",
            Q(resolved_at__gte=flt.lower, resolved_at__lt=flt.upper),
        ),
    }
    stored = CaseDurations.objects.filter(**durations_scope(flt))
    if connection.vendor != "postgresql":
        return {
            name: _python_stats(stored.filter(when), field)
            for name, (field, when) in specs.items()
        }
    result = {}
    for name, (field, when) in specs.items():
        values = stored.filter(when, **{f"{field}__isnull": False}).values_list(field)
        sql, params = values.query.sql_with_params()
        # Both percentiles from one sort of the period's values.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), percentile_cont(ARRAY[0.5, 0.9]) "  # noqa: S608
                f"WITHIN GROUP (ORDER BY v) FROM ({sql}) AS s(v)",
                params,
            )
            count, (median, p90) = _row(cursor.fetchone())
        result[name] = {
            "cases": count,
            "median_hours": _hours(median),
            "p90_hours": _hours(p90),
        }
    return result


def durations_scope(flt: MetricsFilter) -> dict[str, Any]:
    """The filter as lookups on the dimensions stored with the durations."""
    lookups = flt.columns()
    if flt.visible_team_ids is not None:
        lookups["team_id__in"] = list(flt.visible_team_ids)
    return lookups


def _row(row: tuple) -> tuple[int, tuple]:
    count, percentiles = row
    return count, tuple(percentiles) if percentiles else (None, None)


def _python_stats(stored: QuerySet[CaseDurations], field: str) -> dict[str, Any]:
    values = sorted(
        stored.exclude(**{f"{field}__isnull": True}).values_list(field, flat=True)
    )
    return {
        "cases": len(values),
        "median_hours": _hours(percentile_of(values, 0.5)),
        "p90_hours": _hours(percentile_of(values, 0.9)),
    }


def percentile_of(values: list[float], fraction: float) -> float | None:
    """Linear-interpolated percentile of sorted values, as percentile_cont does."""
    if not values:
        return None
    position = (len(values) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)
