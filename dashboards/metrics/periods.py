"""Reading the figures of a period, and shaping them as the summary shows them.

A short period tallies the facts active in it (its percentiles exact); a
long one (over `figures.LONG` days) reads its whole past months from the
monthly rollup at the coarsest grain its filter allows, and only its edges
from the facts (its percentiles from the histograms). The series, the
rankings and the per-agent rows come from the same tallies.
"""

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Model, Q, QuerySet
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from complaints.models import STAGE_ORDER, Stage
from config.numbers import whole_number

from ..models import CaseFacts, MonthFacts
from . import figures as fig
from .figures import (
    CLOCKS,
    DURATIONS,
    PERCENTILES,
    TOP,
    _day,
    active,
    add,
    grouped,
    histogram_percentile,
    hours,
    keyed,
    mean,
    share,
    spread,
    tally,
    within,
)
from .filters import MetricsFilter, midnight

AGENT = ("filed", "closed", "on_time", "missed")


def whole_months(flt: MetricsFilter, as_of: datetime | None) -> list[date]:
    """The whole months of a long period that ended before the rollup was last
    rolled (`as_of`: as the facts were last refreshed)."""
    if as_of is None:
        return []
    months, month = [], (flt.start - timedelta(days=1)).replace(day=1)
    current = timezone.localtime(as_of).date().replace(day=1)
    while flt.days > fig.LONG and (month := _next(month)) < current:
        if month >= flt.start and _next(month) - timedelta(days=1) <= flt.end:
            months.append(month)
    return months


def edges_of(flt: MetricsFilter, months: list[date]) -> MetricsFilter:
    """The parts of the period outside its whole `months`."""
    first, after = midnight(months[0]), midnight(_next(months[-1]))
    return replace(flt, ranges=((flt.lower, first), (after, flt.upper)))


def scalars(
    facts: QuerySet[CaseFacts],
    flt: MetricsFilter,
    now: datetime,
    as_of: datetime | None,
) -> Counter:
    """Every figure of `tally` and `spread` over the period: a short one from
    the facts (its percentiles exact); a long one's whole past months from the
    rollup, the rest from the facts (its percentiles from the histograms)."""
    months = whole_months(flt, as_of and min(as_of, now))
    if not months:
        row = tally(facts, flt, now, histograms=False)[()]
        return Counter(row | active(facts, flt).aggregate(**spread(flt)))
    row = tally(facts, edges_of(flt, months), now)[()]
    for counted in rolled(flt, months).values():
        add(row, counted)
    for name in DURATIONS:
        for label, fraction in PERCENTILES.items():
            row[f"{name}_{label}"] = histogram_percentile(row, name, fraction)
    return Counter(row | active(facts, flt).aggregate(**spread(flt, exact=False)))


def rolled(flt: MetricsFilter, months: list[date]) -> dict[date, dict[str, int]]:
    """The counts of each of `months` over the cases of the filter, from the
    coarsest grain the filter allows."""
    if flt.category or flt.priority or flt.channel:
        grain = MonthFacts.Grain.CASE
    elif flt.team or flt.visible_team_ids is not None:
        grain = MonthFacts.Grain.TEAM
    else:
        grain = MonthFacts.Grain.ALL
    rows = MonthFacts.objects.filter(Q(grain=grain), flt.case_q(), month__in=months)
    found: dict[date, dict[str, int]] = defaultdict(dict)
    for month, counts in rows.values_list("month", "counts"):
        add(found[month], counts)
    return found


def previous_filings(
    facts: QuerySet[CaseFacts], flt: MetricsFilter, now: datetime, as_of: Any
) -> dict[str, int]:
    """The filings per category and root cause of the period just before."""
    flt = flt.previous()
    months = whole_months(flt, as_of and min(as_of, now))
    part = edges_of(flt, months) if months else flt
    filed = active(facts, part, open_too=False).filter(within("filed_at", part))
    row: dict[str, int] = {}
    for _, got in grouped(filed, (), "category_id", "root_cause_id", n=Count("pk")):
        add(row, {f"c:{got['category_id']}": got["n"]})
        add(row, {f"r:{got['root_cause_id']}": got["n"]})
    for counted in rolled(flt, months).values() if months else ():
        add(row, {k: n for k, n in counted.items() if k[:2] in ("c:", "r:")})
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
    (by month, whole past months from the rollup)."""
    bucket = bucket_of(flt)
    trunc = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}[bucket]
    months = whole_months(flt, as_of) if bucket == "month" else []
    within_facts = edges_of(flt, months) if months else flt
    tz = timezone.get_current_timezone()
    found = {"opened": Counter(), "closed": Counter()}
    for name, moment in (("opened", "filed_at"), ("closed", "closed_at")):
        rows = (
            active(facts, within_facts, open_too=False)
            .filter(within(moment, within_facts))
            .annotate(bucket=trunc(moment, tzinfo=tz))
            .order_by()
            .values("bucket")
            .annotate(n=Count("pk"))
        )
        found[name].update({_day(r["bucket"]): r["n"] for r in rows})
    for month, counted in rolled(flt, months).items() if months else ():
        for name, tally_ in found.items():
            tally_[month] += counted.get(name, 0)
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
