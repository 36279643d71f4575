"""Reading the figures of a period, and shaping them as the summary shows them.

A period reads its whole past days and months from the rollup (at the
coarsest grain its filter allows) and only the rest (today) from the facts;
a filter by category, priority or channel reads the facts alone. The
percentiles of a period of up to `figures.EXACT` days are exact (from the
facts), longer ones come from the histograms. The series, the rankings and
the per-agent rows come from the same tallies.
"""

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Model, Q, QuerySet
from django.utils import timezone

from complaints.models import STAGE_ORDER, Stage
from config.numbers import whole_number

from ..models import CaseFacts, Rollup
from . import figures as fig
from .figures import (
    CLOCKS,
    DURATIONS,
    PERCENTILES,
    TOP,
    _day,
    active,
    add,
    backlog,
    dated,
    grouped,
    hours,
    keyed,
    local_day,
    mean,
    share,
    spread,
    tally,
)
from .filters import MetricsFilter, midnight
from .histograms import histogram_percentile
from .items import item_tally

AGENT = ("filed", "closed", "on_time", "missed")
Units = tuple[list[date], list[date], MetricsFilter | None]


def split(flt: MetricsFilter, as_of: datetime | None, *, months: bool = True) -> Units:
    """The whole months (with `months`) and the other whole days of the period
    that the rollup holds (those that ended before the facts were last
    refreshed, `as_of`), and the rest of it, read from the facts (None if
    nothing is left). A filter by category, priority or channel, or a period
    of up to `figures.LONG` days, reads the facts alone."""
    dims = flt.category or flt.priority or flt.channel
    if as_of is None or flt.days <= fig.LONG or dims:
        return [], [], flt
    last = min(flt.end, timezone.localtime(as_of).date() - timedelta(days=1))
    whole, days, day = [], [], flt.start
    while day <= last:
        if months and day.day == 1 and _next(day) - timedelta(days=1) <= last:
            whole.append(day)
            day = _next(day)
        else:
            days.append(day)
            day += timedelta(days=1)
    if day > flt.end:
        return whole, days, None
    return whole, days, replace(flt, ranges=((midnight(day), flt.upper),))


def rolled(
    flt: MetricsFilter,
    months: list[date],
    days: list[date],
    *keys: str,
    groups: bool = False,
) -> dict[tuple[date, bool], dict[str, int]]:
    """The counts of each of `months` and `days` over the cases of the filter
    (only `keys`, if given, read in the database; with `groups`, only the
    filings per category and root cause), by (start, whole month)."""
    if not (months or days):
        return {}
    teams = flt.team or flt.visible_team_ids is not None
    rows = Rollup.objects.filter(
        Q(grain=Rollup.Grain.TEAM if teams else Rollup.Grain.ALL),
        flt.case_q(),
        Q(month=True, start__in=months) | Q(month=False, start__in=days),
    )
    found: dict[tuple[date, bool], Counter] = defaultdict(Counter)
    names = [f"{Rollup.column_of(key)}__{key}" for key in keys] or (
        ["groups"] if groups else ["counts", "groups"]
    )
    for start, month, *counts in rows.values_list("start", "month", *names):
        if keys:  # (a key a row lacks reads as None)
            add(found[(start, month)], dict(zip(keys, counts, strict=True)))
        else:
            for column in counts:
                found[(start, month)].update(column)
    return found


def scalars(
    facts: QuerySet[CaseFacts],
    flt: MetricsFilter,
    now: datetime,
    as_of: datetime | None,
) -> Counter:
    """Every figure of `tally` and `spread` over the period: its whole days
    from the rollup, the rest from the facts; the percentiles of a period of
    up to `figures.EXACT` days exact, else from the histograms."""
    months, days, edge = split(flt, as_of and min(as_of, now))
    exact = flt.days <= fig.EXACT or not (months or days)
    row = Counter(tally(facts, edge, now, histograms=not exact)[()] if edge else {})
    row.update(item_tally(edge, now)[()] if edge else {})
    for counted in rolled(flt, months, days).values():
        row.update(counted)
    if not exact:
        for name in DURATIONS:
            for label, fraction in PERCENTILES.items():
                row[f"{name}_{label}"] = histogram_percentile(row, name, fraction)
    # Each customer's latest closing counts them in a period reaching now
    # over every case; else they are counted from the period's facts.
    some = spread(flt, exact=exact, customers=not everyone(flt, now, as_of))
    found = active(facts, flt).aggregate(**some) if some else {}
    if reaches_now(flt, now, as_of):  # nothing counts after: from the open now
        open_now = facts.filter(closed_at__isnull=True).count()
        opened, closed = row.get("opened", 0), row.get("closed", 0)
        found["backlog_at_start"] = open_now - opened + closed
    else:
        found |= facts.aggregate(**backlog(flt))
    return Counter({**row, **found})


def reaches_now(flt: MetricsFilter, now: datetime, as_of: datetime | None) -> bool:
    """Whether the period reaches now: nothing in the facts counts after it."""
    return as_of is not None and flt.upper > max(as_of, now)


def everyone(flt: MetricsFilter, now: datetime, as_of: datetime | None) -> bool:
    """Whether the period reaches now over every case: its customers can be
    counted by their latest cases (see CaseFacts)."""
    dims = flt.team or flt.category or flt.priority or flt.channel
    return reaches_now(flt, now, as_of) and flt.visible_team_ids is None and not dims


def previous_filings(
    facts: QuerySet[CaseFacts], flt: MetricsFilter, now: datetime, as_of: Any
) -> dict[str, int]:
    """The filings per category and root cause of the period just before."""
    flt = flt.previous()
    months, days, edge = split(flt, as_of and min(as_of, now))
    row: dict[str, int] = {}
    if edge:
        filed = dated(facts, edge, "filed_at")
        for _, got in grouped(filed, (), "category_id", "root_cause_id", n=Count("pk")):
            add(row, {f"c:{got['category_id']}": got["n"]})
            add(row, {f"r:{got['root_cause_id']}": got["n"]})
    for counted in rolled(flt, months, days, groups=True).values():
        add(row, counted)
    return row


def period_figures(row: Counter) -> dict[str, Any]:
    """The scalar period figures, shaped as the summary shows them."""
    opened = row["opened"]

    def part(whole: int, **parts: str) -> dict[str, Any]:
        found = {key: row[name] for key, name in parts.items()}
        return found | {"rate": share(found[next(iter(found))], whole)}

    return {
        "opened": opened,
        "closed": row["closed"],
        "backlog_at_start": row["backlog_at_start"],
        "funnel": [
            {"stage": s, "label": Stage(s).label, "cases": row[f"reached_{s}"]}
            for s in STAGE_ORDER
        ],
        "reopen": part(opened, reopened_cases="reopened", reopens="reopens"),
        "skipping": part(opened, cases="skipping", steps="skipped"),
        "sla": {name: compliance(row, name) for name in CLOCKS},
        "times": {name: timing(row, name) for name in CLOCKS},
        "escalations": [
            {"level": 1, "label": "Team lead", "escalations": row["escalations_1"]},
            {"level": 2, "label": "Manager", "escalations": row["escalations_2"]},
        ],
        "recovery": {
            "first_apology": timing(row, "first_apology"),
            "first_offer": {"cases": row["first_offers"]}
            | part(row["first_offers"], accepted="first_offers_accepted"),
            "recurrence": {"customers": row["customers_closed"]}
            | part(row["customers_closed"], again="customers_again"),
            "rescored": {
                "cases": row["rescored"],
                "before": mean(row["csat_before"], row["rescored"]),
                "after": mean(row["csat_after"], row["rescored"]),
            },
        },
    }


def compliance(row: Counter, name: str) -> dict[str, Any]:
    on_time, missed = row[f"{name}_on_time"], row[f"{name}_missed"]
    decided = on_time + missed
    return {
        "met_on_time": on_time,
        "missed": missed,
        "decided": decided,
        "compliance": share(on_time, decided),
    }


def timing(row: Counter, name: str) -> dict[str, Any]:
    return {
        "cases": row[f"{name}_timed"],
        "median_hours": hours(row[f"{name}_median"]),
        "p90_hours": hours(row[f"{name}_p90"]),
    }


def bucket_of(flt: MetricsFilter) -> str:
    """Days up to a quarter, weeks up to two years, months beyond."""
    if flt.days <= 92:
        return "day"
    return "week" if flt.days <= 731 else "month"


def series_figures(
    *,
    facts: QuerySet[CaseFacts],
    flt: MetricsFilter,
    backlog_at_start: int,
    as_of: datetime | None = None,
) -> list[dict[str, Any]]:
    """Opened, closed and the backlog at the end of each day, week or month
    (whole days and months from the rollup, the rest from the facts)."""
    bucket = bucket_of(flt)
    months, days, edge = split(flt, as_of, months=bucket == "month")
    first = {
        "day": lambda day: day,
        "week": lambda day: day - timedelta(days=day.weekday()),
        "month": lambda day: day.replace(day=1),
    }[bucket]
    found: dict[str, Counter] = {"opened": Counter(), "closed": Counter()}
    for name, moment in (("opened", "filed_at"), ("closed", "closed_at")):
        rows = (
            dated(facts, edge, moment)
            .annotate(day=local_day(moment))
            .order_by()
            .values("day")
            .annotate(n=Count("pk"))
            if edge
            else ()
        )
        found[name].update({first(_day(r["day"])): r["n"] for r in rows})
    for (start, _), counted in rolled(flt, months, days, *found).items():
        for name, tallied in found.items():
            tallied[first(start)] += counted.get(name) or 0
    backlog, series = backlog_at_start, []
    for start in _buckets(flt, bucket):
        opened, closed = found["opened"][start], found["closed"][start]
        backlog += opened - closed
        series.append(
            {"start": start, "opened": opened, "closed": closed, "backlog": backlog}
        )
    return series


def ranking_figures(
    row: dict[str, int], previous: dict[str, int], model: type[Model], letter: str
) -> list[dict[str, Any]]:
    """Cases filed by category (`letter` c) or root cause (r) from the tallies
    of the period and the one before: now, before, trend, cumulative share."""
    counted: Counter = Counter()
    for tallied, column in ((row, 0), (previous, 1)):
        for (pk,), n in keyed(tallied, letter).items():
            counted[(pk, column)] += n
    ids = {key for key, _ in counted}
    names = {
        str(pk): (slug, name)
        for pk, slug, name in model.objects.filter(
            pk__in=[whole_number(i) for i in ids if whole_number(i) is not None]
        ).values_list("pk", "slug", "name")
    }
    rows = sorted(
        ((counted[(i, 0)], counted[(i, 1)], i, *names.get(i, ("", None))) for i in ids),
        key=lambda r: (-r[0], r[4] is None, r[4] or ""),
    )
    total = sum(r[0] for r in rows)
    running, result = 0, []
    for n, before, pk, slug, name in rows:
        running += n
        if len(result) >= TOP or not (n or before):
            continue
        result.append(
            {
                "id": int(pk) if pk.isdigit() else None,
                "slug": slug or "",
                "name": name or "(none recorded)",
                "cases": n,
                "previous": before,
                "change": n - before,
                "cumulative_share": share(running, total),
            }
        )
    return result


def agent_period_figures(row: dict[str, int]) -> dict[int, dict[str, int]]:
    """Per assignee, from the period's tallies: cases filed and closed in the
    period, and their first-response clocks decided in it."""
    found: dict[int, dict[str, int]] = {}
    for (pk, what), n in keyed(row, "a").items():
        found.setdefault(int(pk), dict.fromkeys(AGENT, 0))[what] = n
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
