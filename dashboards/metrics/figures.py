"""The period figures over `CaseFacts`: each declared once.

`ADDING` names every scalar figure that adds up over time, with the moment
that dates it and how it counts; `GROUPED` those that add up per category,
root cause, agent or histogram bucket; `spread()` the rest (percentiles,
distinct customers, the backlog at the start). `tally()` evaluates them as
ORM aggregates over the facts active in a period, on PostgreSQL and SQLite
alike: in one query per group for a period (`periods`), or per day in one
query per moment for the rollup (`dashboards.months`). A new figure
is one entry here (and its test).
"""

import operator
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from functools import reduce
from typing import Any

from django.db.models import Aggregate, Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDay
from django.utils import timezone

from complaints.models import STAGE_ORDER, Stage

from ..apps import Percentile
from ..models import AsDateTime, CaseFacts
from .filters import MetricsFilter
from .histograms import HISTOGRAMS, bucket_expression

TOP = 10
CLOCKS = {"first_response": "fr", "resolution": "res"}
DURATIONS = {
    "first_response": ("first_response_seconds", "first_response_at"),
    "resolution": ("resolution_seconds", "resolved_at"),
    "first_apology": ("first_apology_seconds", "first_apology_at"),
}
LONG = 0  # days: longer periods read their whole past days from the rollup
EXACT = 31  # days: the percentiles of longer periods come from the histograms
PERCENTILES = {"median": 0.5, "p90": 0.9}
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
        # Distinct customers, over every case and a period reaching now only
        # (`spread` counts them otherwise): each customer's latest closing.
        "customers_closed": ("closed_at", Q(customer_closed_last=True), "pk"),
        "customers_again": ("closed_at", Q(customer_again_last=True), "pk"),
        # Customers with two or more filings in such a period: by the second-
        # latest (`rows.customer_figures` counts them otherwise).
        "repeat_complainants": (opened, Q(customer_penultimate=True), "pk"),
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
        timed = (moment, Q(**{f"{seconds}__isnull": False}), "pk")
        found[HISTOGRAMS[name]] = (bucket_expression(seconds), {"": timed})
    return found


ADDING, GROUPED = _adding(), _grouped()


def _columns(part: Any) -> set[str]:
    """The fact columns a condition, field or group expression reads."""
    if isinstance(part, Q):
        return set().union(*(_columns(child) for child in part.children))
    if isinstance(part, tuple):  # (lookup, value) of a Q; a value is read
        value = part[1] if hasattr(part[1], "resolve_expression") else None
        return {part[0].split("__")[0]} | _columns(value)
    if isinstance(part, F):
        return {part.name}
    if isinstance(part, str):
        return set() if part == "pk" else {part}
    inner = getattr(part, "get_source_expressions", list)()
    return set().union(*(_columns(child) for child in inner))


def _figure_reads() -> dict[tuple[str, str], set[str]]:
    """Per figure (prefix, name), the fact columns it reads: its moment, its
    condition, what it adds, its group, and the team (the rollup's grain)."""
    found = {}
    for prefix, (group, figures) in {"": (None, ADDING), **GROUPED}.items():
        for name, (moment, condition, what) in figures.items():
            names = _columns(group) | _columns(condition) | _columns(what)
            found[(prefix, name)] = {
                moment,
                "team_id",
                *(CaseFacts._meta.get_field(n).attname for n in names),
            }
    return found


def _reads() -> dict[str, set[str]]:
    """Per fact column, the moments of the figures that read it: a case whose
    column changed counts differently only on the days of those moments (and,
    for a moment, on the days it left and entered). The team is the rollup's
    grain: every moment. A column no figure adds up is read from the facts
    alone (priority, channel, customer …): no day of the rollup."""
    found: dict[str, set[str]] = defaultdict(set)
    for (prefix, name), columns in FIGURE_READS.items():
        group = GROUPED[prefix][1] if prefix else ADDING
        for column in columns:
            found[column].add(group[name][0])
    return dict(found)


FIGURE_READS = _figure_reads()
READS = _reads()


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


def timed_q(name: str, flt: MetricsFilter) -> Q:
    """The cases whose duration `name` ended in the period."""
    seconds, moment = DURATIONS[name]
    return within(moment, flt) & Q(**{f"{seconds}__isnull": False})


def spread(
    flt: MetricsFilter, *, exact: bool = True, customers: bool = True
) -> dict[str, Aggregate]:
    """The scalar period figures that do not add up over time, by name: with
    `customers` the distinct customers, with `exact` the percentiles (else
    they come from the histograms)."""
    closed = within("closed_at", flt) & Q(customer__isnull=False)
    found: dict[str, Aggregate] = {}
    if customers:
        found["customers_closed"] = Count("customer", distinct=True, filter=closed)
        found["customers_again"] = Count(
            "customer", distinct=True, filter=closed & Q(refiled_90d=True)
        )
    for name, (seconds, _) in DURATIONS.items() if exact else ():
        for label, fraction in PERCENTILES.items():
            found[f"{name}_{label}"] = Percentile(
                seconds, fraction, filter=timed_q(name, flt)
            )
    return found


def backlog(flt: MetricsFilter) -> dict[str, Aggregate]:
    """The cases open at the start of the period."""
    open_at_start = Q(filed_at__lt=flt.lower) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=flt.lower)
    )
    return {"backlog_at_start": Count("pk", filter=open_at_start)}


def active(facts: QuerySet[CaseFacts], flt: MetricsFilter) -> QuerySet[CaseFacts]:
    """The facts of cases that can count in the period (see CaseFacts)."""
    found = Q()
    for lower, upper in flt.spans:
        found |= Q(filed_at__lt=upper, active_until__gte=lower)
    return facts.filter(found)


def dated(
    facts: QuerySet[CaseFacts], flt: MetricsFilter, moment: str
) -> QuerySet[CaseFacts]:
    """The facts whose `moment` falls in the period (found by activity)."""
    return active(facts, flt).filter(within(moment, flt))


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
    daily: bool = False,
    keyed: bool = False,
    changed: set[str] | None = None,
) -> dict[tuple, dict[str, int]]:
    """Everything the facts count in the period that adds up (ADDING and
    GROUPED), per `by` group; `daily`: per (local day, *`by`), one query
    per moment whatever the number of days. `keyed` facts are a few chosen
    by key: read by it, not by the period (the planner would). With
    `changed` (columns), only the figures that read one of them."""
    facts = (facts if keyed else active(facts, flt)).order_by()
    found: dict[tuple, dict[str, int]] = defaultdict(dict)
    for prefix, (group, figures) in {"": (None, ADDING), **GROUPED}.items():
        if prefix in HISTOGRAMS.values() and not histograms:
            continue
        qs, fields = (facts, ()) if group is None else (facts.annotate(g=group), ("g",))
        if changed is not None:
            figures = {
                name: figure
                for name, figure in figures.items()
                if FIGURE_READS[(prefix, name)] & changed
            }
        dating = {m for m, _, _ in figures.values()}
        for moment in dating if daily else [None]:
            some = {n: f for n, f in figures.items() if moment in (None, f[0])}
            if moment is None:  # only the cases with a moment in the period
                found_q = [within(m, flt, now if m in DUE else None) for m in dating]
                part, keys = qs.filter(reduce(operator.or_, found_q)), by
            else:
                part = qs.filter(within(moment, flt, now if moment in DUE else None))
                part, keys = part.annotate(m=local_day(moment)), ("m", *by)
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


def local_day(moment: str) -> TruncDay:
    """The local day of the moment column `moment` of the facts."""
    return TruncDay(AsDateTime(moment), tzinfo=timezone.get_current_timezone())


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


def keyed(row: dict[str, int], prefix: str) -> dict[tuple[str, ...], int]:
    """The tallies of `row` under `prefix` (e.g. "c" for "c:<id>"), by the
    rest of their key."""
    return {
        tuple(parts[1:]): n
        for key, n in row.items()
        if (parts := key.split(":"))[0] == prefix and len(parts) > 1
    }
