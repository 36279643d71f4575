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

import math
import operator
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import reduce
from typing import Any

from django.db.models import Aggregate, Count, F, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Cast, Floor, Log, TruncDay, TruncMonth, TruncWeek
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
PERCENTILES = {"median": 0.5, "p90": 0.9}
# A long period's percentiles come from histograms of whole seconds with
# BUCKETS buckets per doubling: each case counts at its bucket's middle, so
# the figure is within ERROR of the exact one (times the seconds plus one).
BUCKETS = 32
ERROR = (2 ** (1 / BUCKETS) - 1) / 2
HISTOGRAMS = {"first_response": "hf", "resolution": "hr", "first_apology": "ha"}
AGENT = ("filed", "closed", "on_time", "missed")
# The moments that date the figures: a case counts in the months they fall in.
MOMENTS = (
    *("filed_at", "first_response_at", "resolved_at", "closed_at"),
    *(f"{c}_{m}_at" for c in CLOCKS.values() for m in ("on_time", "missed")),
    *("escalated_1_at", "escalated_2_at", "first_apology_at", "first_offer_at"),
    "csat_after_at",
)


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
    """(met on time, missed) for a clock decided in the period; see DEFINITIONS
    (a missed clock counts once it has fallen due, so `now` moves it)."""
    return within(f"{prefix}_on_time_at", flt), within(f"{prefix}_missed_at", flt, now)


Figure = tuple[str, Q, str]  # the moment that dates it, a condition, what it adds


def _adding() -> dict[str, Figure]:
    """Every scalar figure that adds up over time: the moment in the period
    that counts a case, the condition besides, and "pk" to count the cases or
    the field to sum."""
    accepted, opened = Q(first_offer_accepted=True), "filed_at"
    found: dict[str, Figure] = {
        "opened": (opened, Q(), "pk"),
        "closed": ("closed_at", Q(), "pk"),
        "first_offers": ("first_offer_at", Q(), "pk"),
        "first_offers_accepted": ("first_offer_at", accepted, "pk"),
        "rescored": ("csat_after_at", Q(), "pk"),
        "csat_before": ("csat_after_at", Q(), "csat_before"),
        "csat_after": ("csat_after_at", Q(), "csat_after"),
        "reopened": (opened, Q(reopen_count__gt=0), "pk"),
        "reopens": (opened, Q(), "reopen_count"),
        "skipping": (opened, Q(skipped_steps__gt=0), "pk"),
        "skipped": (opened, Q(), "skipped_steps"),
        "escalations_1": ("escalated_1_at", Q(), "pk"),
        "escalations_2": ("escalated_2_at", Q(), "pk"),
    }
    for stage in STAGE_ORDER:
        found[f"reached_{stage}"] = (opened, reached_q(stage), "pk")
    for name, prefix in CLOCKS.items():
        found[f"{name}_on_time"] = (f"{prefix}_on_time_at", Q(), "pk")
        found[f"{name}_missed"] = (f"{prefix}_missed_at", Q(), "pk")
    for name, (seconds, moment) in DURATIONS.items():
        found[f"{name}_timed"] = (moment, Q(**{f"{seconds}__isnull": False}), "pk")
    return found


def _grouped() -> dict[str, tuple[Any, dict[str, Figure]]]:
    """The figures that add up per group: key prefix → (the group, by name;
    "" for the one figure of a group), tallied as "<prefix>:<group>[:<name>]"."""
    assigned, filed = Q(assignee__isnull=False), ("filed_at", Q(), "pk")
    found: dict[str, tuple[Any, dict[str, Figure]]] = {
        "c": (F("category_id"), {"": filed}),
        "r": (F("root_cause_id"), {"": filed}),
        "a": (
            F("assignee_id"),
            {
                what: (moment, assigned, "pk")
                for what, moment in (
                    ("filed", "filed_at"),
                    ("closed", "closed_at"),
                    ("on_time", "fr_on_time_at"),
                    ("missed", "fr_missed_at"),
                )
            },
        ),
    }
    for name, (seconds, moment) in DURATIONS.items():
        bucket = Cast(Floor(Log(2, F(seconds) + 1) * BUCKETS), IntegerField())
        timed = (moment, Q(**{f"{seconds}__isnull": False}), "pk")
        found[HISTOGRAMS[name]] = (bucket, {"": timed})
    return found


ADDING, GROUPED = _adding(), _grouped()
DUE = {f"{prefix}_missed_at" for prefix in CLOCKS.values()}  # count once past


def aggregates(
    figures: dict[str, Figure], flt: MetricsFilter | None, now: datetime
) -> dict[str, Aggregate]:
    """The figures as aggregates over the period (None: over whatever the
    query holds, already narrowed to their moment)."""
    found = {}
    for name, (moment, condition, field) in figures.items():
        when = within(moment, flt, now if moment in DUE else None) if flt else Q()
        found[name] = (
            Count("pk", filter=when & condition)
            if field == "pk"
            else Sum(field, filter=when & condition, default=0)
        )
    return found


def counts(flt: MetricsFilter, now: datetime) -> dict[str, Aggregate]:
    """Every scalar period figure that adds up over time, by name."""
    return aggregates(ADDING, flt, now)


def timed_q(name: str, flt: MetricsFilter) -> Q:
    """The cases whose duration `name` ended in the period."""
    seconds, moment = DURATIONS[name]
    return within(moment, flt) & Q(**{f"{seconds}__isnull": False})


def spread(flt: MetricsFilter, *, exact: bool = True) -> dict[str, Aggregate]:
    """The scalar period figures that do not add up over time, by name (with
    `exact`, the percentiles too; else they come from the histograms)."""
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
    for name, (seconds, _) in DURATIONS.items() if exact else ():
        for label, fraction in PERCENTILES.items():
            found[f"{name}_{label}"] = Percentile(
                seconds, fraction, filter=timed_q(name, flt)
            )
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


def add(into: dict[str, int], counts: dict[str, int], sign: int = 1) -> None:
    """Add `counts` (times `sign`) into `into`, leaving out zeros."""
    for key, n in counts.items():
        total = into.get(key, 0) + sign * int(n or 0)
        if total:
            into[key] = total
        else:
            into.pop(key, None)


def tally(
    facts: QuerySet[CaseFacts],
    flt: MetricsFilter,
    now: datetime,
    by: tuple[str, ...] = (),
    *,
    histograms: bool = True,
    monthly: bool = False,
) -> dict[tuple, dict[str, int]]:
    """Everything the facts count in the period that adds up (ADDING and
    GROUPED), per `by` group; `monthly`: per (local month, *`by`), one query
    per moment whatever the number of months."""
    facts = active(facts, flt, open_too=False).order_by()
    found: dict[tuple, dict[str, int]] = defaultdict(dict)
    tz = timezone.get_current_timezone()
    for prefix, (group, figures) in {"": (None, ADDING), **GROUPED}.items():
        if prefix in HISTOGRAMS.values() and not histograms:
            continue
        qs, fields = (facts, ()) if group is None else (facts.annotate(g=group), ("g",))
        moments = {m for m, _, _ in figures.values()}
        for moment in moments if monthly else [None]:
            some = {n: f for n, f in figures.items() if moment in (None, f[0])}
            if moment is None:  # only the cases with a moment in the period
                found_q = [within(m, flt, now if m in DUE else None) for m in moments]
                part, keys = qs.filter(reduce(operator.or_, found_q)), by
            else:
                part = qs.filter(within(moment, flt, now if moment in DUE else None))
                part, keys = part.annotate(m=TruncMonth(moment, tzinfo=tz)), ("m", *by)
            sums = aggregates(some, None if moment else flt, now)
            for key, row in grouped(part, keys, *fields, **sums):
                if moment:
                    key = (_day(key[0]), *key[1:])
                if group is not None:
                    g = row.pop("g")
                    row = {
                        f"{prefix}:{g}" + (f":{n}" if n else ""): v
                        for n, v in row.items()
                    }
                add(found[key], row)
    return found


def grouped(
    qs: QuerySet, by: tuple[str, ...], *fields: str, **aggregates: Any
) -> Iterable[tuple[tuple, dict[str, Any]]]:
    """The `aggregates` of `qs` per `by` and `fields`: (the `by` values, row)."""
    if not by and not fields:
        yield (), qs.aggregate(**aggregates)
        return
    for row in qs.order_by().values(*by, *fields).annotate(**aggregates):
        key = tuple(row[name] for name in by)
        yield key, {k: v for k, v in row.items() if k in fields or k not in by}


def bucket_value(bucket: int) -> float:
    """The middle of the whole seconds in histogram `bucket`: those whose
    log2(seconds + 1) times BUCKETS rounds down to it."""
    low, high = (math.ceil(2 ** (b / BUCKETS) - 1) for b in (bucket, bucket + 1))
    return (low + high - 1) / 2


def histogram_percentile(row: dict[str, int], name: str, fraction: float) -> Any:
    """The continuous percentile of duration `name` from its histogram in `row`,
    each case at its bucket's middle: within ERROR of the exact one."""
    found = sorted(
        (int(bucket), n) for (bucket,), n in keyed(row, HISTOGRAMS[name]).items()
    )
    total = sum(n for _, n in found)
    if not total:
        return None
    position = (total - 1) * fraction
    wanted, values, seen = {math.floor(position), math.ceil(position)}, {}, 0
    for bucket, n in found:
        for rank in wanted:
            if seen <= rank < seen + n:
                values[rank] = bucket_value(bucket)
        seen += n
    low, high = values[math.floor(position)], values[math.ceil(position)]
    return low + (high - low) * (position - math.floor(position))


def whole_months(flt: MetricsFilter, as_of: datetime | None) -> list[date]:
    """The whole months of a long period that ended before the rollup was last
    rolled (`as_of`: as the facts were last refreshed)."""
    if as_of is None:
        return []
    months, month = [], (flt.start - timedelta(days=1)).replace(day=1)
    current = timezone.localtime(as_of).date().replace(day=1)
    while flt.days > LONG and (month := _next(month)) < current:
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
    row: dict[str, int], previous: dict[str, int], model: type, letter: str
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
            pk__in=[int(i) for i in ids if i.isdigit()]
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


def keyed(row: dict[str, int], prefix: str) -> dict[tuple[str, ...], int]:
    """The tallies of `row` under `prefix` (e.g. "c" for "c:<id>"), by the
    rest of their key."""
    return {
        tuple(parts[1:]): n
        for key, n in row.items()
        if (parts := key.split(":"))[0] == prefix and len(parts) > 1
    }


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
