"""The period figures read from the rollup tables instead of the raw rows.

Same figures, same shapes as the raw queries (the `*_shape` functions are
shared); a handful of sums over day rows (and month rows for whole months
when the chart is monthly) instead of scans over every case, deadline, offer,
follow-up and event of the period. Figures about now (open cases, overdue,
pending approvals) still read the rows, but only the open cases' (through a
covering index); the percentiles and customer counts are `long_figures`.
"""

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from complaints.models import OPEN_STAGES, STAGE_ORDER, Case, Offer, OfferStatus
from complaints.selectors import overdue_q

from ..models.measures import AGENT_MEASURES, DAY_MEASURES, MONEY_MEASURES
from .filters import MetricsFilter
from .offers import offer_shape
from .people import agent_shape, ranking_shape, satisfaction_shape
from .sla import compliance_shape
from .volume import (
    bucket_of,
    bucket_start,
    escalation_shape,
    open_groups,
    series_shape,
    skip_shape,
    volume_shape,
)

ONE_DAY = timedelta(days=1)
EARLIEST = date(1900, 1, 1)  # the filter takes no earlier date


def rolled_figures(
    *,
    cases: QuerySet[Case],
    flt: MetricsFilter,
    now: datetime,
    groups: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Every period figure of `metrics_summary`, from the rollups (`groups`:
    the open cases per stage and assignee, from `open_groups`)."""
    if groups is None:
        groups = open_groups(cases=cases, now=now)
    bucket = bucket_of(flt)
    rows = _fetch(
        "dashboards_dayfacts",
        DAY_MEASURES,
        flt,
        _range(flt.start, flt.end, coarsest="m" if bucket == "month" else "d"),
        group="span, day",
    )
    totals = _sum(rows, DAY_MEASURES)
    opened, closed = Counter(), Counter()
    for row in rows:
        start = bucket_start(row["day"], bucket)
        opened[start] += row["opened"]
        closed[start] += row["closed"]
    backlog = _backlog(flt)
    volume = volume_shape(
        {
            **totals,
            "open_at_start": backlog,
            "escalated": sum(row["escalated"] for row in groups),
            "overdue": cases.filter(stage__in=OPEN_STAGES)
            .filter(overdue_q(now))
            .count(),
        }
    )
    return {
        "volume": volume,
        "series": series_shape(opened, closed, flt, backlog),
        "sla": compliance_shape(
            {
                "first_response": {
                    "on_time": totals["fr_on_time"],
                    "missed": totals["fr_missed"],
                },
                "resolution": {
                    "on_time": totals["res_on_time"],
                    "missed": totals["res_missed"],
                },
            }
        ),
        "escalations": escalation_shape(
            Counter({1: totals["esc_1"], 2: totals["esc_2"]})
        ),
        "skips": skip_shape(Counter({s: totals[f"skip_{s}"] for s in STAGE_ORDER})),
        "people": satisfaction_shape(_satisfaction_row(totals)),
        "offers": _offers(flt),
        "categories": _ranking(flt, "category"),
        "root_causes": _ranking(flt, "root_cause"),
        "agents": _agents(groups, flt),
    }


def _satisfaction_row(totals: dict) -> dict[str, Any]:
    return {
        "completed": totals["fu_completed"],
        "scored": totals["fu_scored"],
        "average": totals["fu_csat_sum"] / totals["fu_scored"]
        if totals["fu_scored"]
        else None,
        "unsatisfied": totals["fu_unsatisfied"],
        "due": totals["fu_due"],
        "due_done": totals["fu_due_done"],
        "overdue": totals["fu_overdue"],
        **{f"csat_{n}": totals[f"fu_csat_{n}"] for n in range(1, 6)},
    }


def _backlog(flt: MetricsFilter) -> int:
    """Cases filed before the period minus cases closed before it."""
    before = _range(EARLIEST, flt.start - ONE_DAY)
    rows = _fetch("dashboards_dayfacts", ("opened", "closed"), flt, before)
    return (rows[0]["opened"] or 0) - (rows[0]["closed"] or 0) if rows else 0


def _offers(flt: MetricsFilter) -> dict[str, Any]:
    measures = ("n", "granted", "decided", "approval", "total", "granted_total")
    rows = _fetch(
        "dashboards_offerfacts",
        measures,
        flt,
        _range(flt.start, flt.end),
        group="kind, currency",
    )
    rows = [row for row in rows if row["n"]]
    pending = Offer.objects.filter(
        flt.case_q("case__"), status=OfferStatus.PENDING_APPROVAL
    ).count()
    return offer_shape(rows, pending)


def _ranking(flt: MetricsFilter, field: str) -> list[dict[str, Any]]:
    """Cases filed per category or root cause, now and in the period before."""
    table, names = {
        "category": ("dashboards_dayfacts", "complaints_category"),
        "root_cause": ("dashboards_causefacts", "complaints_rootcause"),
    }[field]
    before = flt.previous()
    now_sql, now_params = _range(flt.start, flt.end, alias="f.")
    before_sql, before_params = _range(before.start, before.end, alias="f.")
    dims_sql, dims_params = _dimensions(flt, alias="f.")
    sql = (
        f"SELECT f.{field}_id, t.slug, t.name, "
        f"coalesce(sum(f.opened) FILTER (WHERE {now_sql}), 0)::bigint, "
        f"coalesce(sum(f.opened) FILTER (WHERE {before_sql}), 0)::bigint "
        f"FROM {table} f LEFT JOIN {names} t ON t.id = f.{field}_id "
        f"WHERE ({now_sql} OR {before_sql}) AND {dims_sql} "
        f"GROUP BY f.{field}_id, t.slug, t.name "
        "ORDER BY 4 DESC, t.name"
    )
    params = [*now_params, *before_params, *now_params, *before_params, *dims_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [
            {
                field: pk,
                f"{field}__slug": slug,
                f"{field}__name": name,
                "n": n,
                "previous": previous,
            }
            for pk, slug, name, n, previous in cursor.fetchall()
        ]
    return ranking_shape(rows, field)


def _agents(groups: list[dict[str, Any]], flt: MetricsFilter) -> list[dict[str, Any]]:
    rows = _fetch(
        "dashboards_agentfacts",
        AGENT_MEASURES,
        flt,
        _range(flt.start, flt.end),
        group="assignee_id",
    )
    open_now: Counter = Counter()
    for row in groups:
        if row["assignee_id"] is not None:
            open_now[row["assignee_id"]] += row["n"]
    load, sla, csat = {}, {}, {}
    for row in rows:
        pk = row["assignee_id"]
        if row["filed"] or row["closed"]:
            load[pk] = {"filed": row["filed"], "closed": row["closed"]}
        if row["fr_on_time"] or row["fr_missed"]:
            sla[pk] = {"on_time": row["fr_on_time"], "missed": row["fr_missed"]}
        if row["csat_n"]:
            csat[pk] = row["csat_sum"] / row["csat_n"]
    for pk, n in open_now.items():
        load.setdefault(pk, {"filed": 0, "closed": 0})["open"] = n
    return agent_shape(load, sla, csat)


def _range(
    start: date, end: date, *, coarsest: str = "y", alias: str = ""
) -> tuple[str, list]:
    """Rows covering the days start..end: year rows for whole years, month
    rows for other whole months, day rows for the rest — no coarser than
    `coarsest` ("d", "m" or "y"; a monthly chart must not read years)."""
    span, day = f"{alias}span", f"{alias}day"
    pieces = _pieces(start, end, coarsest)
    sql = " OR ".join(f"({span} = %s AND {day} >= %s AND {day} < %s)" for _ in pieces)
    return f"({sql or 'FALSE'})", [value for piece in pieces for value in piece]


def _pieces(start: date, end: date, coarsest: str) -> list[tuple[str, date, date]]:
    """start..end as (span, first, after) ranges, the coarsest rows that fit."""
    pieces: list[tuple[str, date, date]] = []
    cursor, after_end = start, end + ONE_DAY
    years, months = coarsest == "y", coarsest in ("y", "m")
    this_year = timezone.localdate().year  # year rows exist for past years only
    while cursor < after_end:
        year, month = _next_year(cursor), _next_month(cursor)
        whole_year = cursor.month == 1 and cursor.day == 1 and year <= after_end
        if years and whole_year and cursor.year < this_year:
            piece = ("y", cursor, year)
        elif months and cursor.day == 1 and month <= after_end:
            piece = ("m", cursor, month)
        else:
            piece = ("d", cursor, min(month, after_end))
        if pieces and pieces[-1][0] == piece[0] and pieces[-1][2] == piece[1]:
            piece = (piece[0], pieces.pop()[1], piece[2])
        pieces.append(piece)
        cursor = piece[2]
    return pieces


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _next_year(day: date) -> date:
    return day.replace(year=day.year + 1, month=1, day=1)


def _dimensions(flt: MetricsFilter, alias: str = "") -> tuple[str, list]:
    conditions, params = ["TRUE"], []
    for column, value in flt.columns().items():
        conditions.append(f"{alias}{column} = %s")
        params.append(value)
    if flt.visible_team_ids is not None:
        conditions.append(f"{alias}team_id = ANY(%s)")
        params.append(list(flt.visible_team_ids))
    return " AND ".join(conditions), params


def _fetch(
    table: str,
    measures: tuple[str, ...],
    flt: MetricsFilter,
    span: tuple[str, list],
    *,
    group: str = "",
) -> list[dict[str, Any]]:
    where, params = span
    dims, dims_params = _dimensions(flt)
    keys = [k.strip() for k in group.split(",") if k.strip()]
    select = [*keys, *(_sum_sql(m) for m in measures)]
    sql = f"SELECT {', '.join(select)} FROM {table} WHERE {where} AND {dims}"
    if keys:
        sql += f" GROUP BY {group}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *dims_params])
        names = [*keys, *measures]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _sum_sql(measure: str) -> str:
    # sum(bigint) is numeric in PostgreSQL; counts come back as int.
    return f"sum({measure})" if measure in MONEY_MEASURES else f"sum({measure})::bigint"


def _sum(rows: list[dict[str, Any]], measures: tuple[str, ...]) -> dict[str, int]:
    return {m: sum(row[m] or 0 for row in rows) for m in measures}
