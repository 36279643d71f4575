"""The figures counted per offer, follow-up and skip rather than per case.

Each is declared once, as an ORM aggregate over its own rows dated by its
own moment (an offer when made, a follow-up when completed or due, a skip
when made), and tallied like the case figures: per day and team into the
rollup (`dashboards.months`), and directly over what the rollup does not
hold (today). Their keys in the counts start with one of `PREFIXES`:
"o:<kind>:<currency>:<what>" offers, "g:<root cause>:<currency>:<what>"
goodwill (fulfilled offers), "f:<what>" follow-ups, "s:<assignee>:<what>"
the scores of each agent's cases, "k:<stage>" the stages skipped. Amounts
are counted in cents.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from django.db.models import Aggregate, Count, Q, Sum
from django.db.models.functions import TruncDay
from django.utils import timezone

from complaints.models import STAGE_ORDER, Event, Offer, OfferStatus
from followups.models import FollowUp, FollowUpStatus, Outcome

from .figures import _day, add, within
from .filters import MetricsFilter

PREFIXES = ("o:", "g:", "f:", "s:", "k:")
GRANTED = (OfferStatus.ACCEPTED, OfferStatus.FULFILLED)
DECIDED = (*GRANTED, OfferStatus.DECLINED, OfferStatus.COUNTERED)
DONE = Q(status=FollowUpStatus.DONE)
PRICED = Q(amount__isnull=False)
# An item's case as its facts hold it (the dimensions as of the last refresh,
# like every period figure): the items join the narrow facts by key, not the
# cases table.
CASE = "case__facts__"


def _cents(total: Any) -> int:
    return int(round((total or 0) * 100))


# Where each item figure's rows come from: the rows, dated by their moment.
SOURCES = {
    "offers": (lambda: Offer.objects.all(), "created_at"),
    "done": (lambda: FollowUp.objects.filter(DONE), "completed_at"),
    "due": (
        lambda: FollowUp.objects.exclude(status=FollowUpStatus.CANCELLED),
        "due_at",
    ),
}


class Item(NamedTuple):
    """One item figure: its key prefix, its rows' source (`SOURCES`), what
    it is grouped by, what it counts, and which of the rows (all by default)."""

    prefix: str
    source: str
    group: tuple[str, ...]
    counts: dict[str, Aggregate]
    where: Q = Q()


def _figures(now: datetime) -> list[Item]:
    """Every item figure (`Item`)."""
    granted, fulfilled = Q(status__in=GRANTED), Q(status=OfferStatus.FULFILLED)
    scored = Q(csat__isnull=False)
    waiting = Q(status=FollowUpStatus.SCHEDULED, due_at__lt=now)
    return [
        Item(
            "o",
            "offers",
            ("kind", "currency"),
            {
                "n": Count("pk"),
                "granted": Count("pk", filter=granted),
                "decided": Count("pk", filter=Q(status__in=DECIDED)),
                "approval": Count("pk", filter=Q(needed_approval=True)),
                "priced": Count("pk", filter=PRICED),
                "cents": Sum("amount"),
                "granted_cents": Sum("amount", filter=granted),
            },
        ),
        Item(  # goodwill: the offers fulfilled, by their case's root cause
            "g",
            "offers",
            (f"{CASE}root_cause_id", "currency"),
            {"n": Count("pk"), "cents": Sum("amount")},
            fulfilled & PRICED,
        ),
        Item(
            "f",
            "done",
            (),
            {
                "completed": Count("pk"),
                "scored": Count("pk", filter=scored),
                "csat_sum": Sum("csat", filter=scored),
                "unsatisfied": Count("pk", filter=Q(outcome=Outcome.UNSATISFIED)),
                **{f"csat_{n}": Count("pk", filter=Q(csat=n)) for n in range(1, 6)},
            },
        ),
        Item(  # the scores of each agent's cases
            "s",
            "done",
            (f"{CASE}assignee_id",),
            {"n": Count("pk"), "csat_sum": Sum("csat")},
            scored & Q(**{f"{CASE}assignee__isnull": False}),
        ),
        Item(
            "f",
            "due",
            (),
            {
                "due": Count("pk"),
                "done": Count("pk", filter=DONE),
                "overdue": Count("pk", filter=waiting),
            },
        ),
    ]


def _counting(where: Q, aggregate: Aggregate) -> Aggregate:
    """`aggregate` over only the rows `where` holds for."""
    if not where:
        return aggregate
    found = aggregate.copy()
    found.filter = where & aggregate.filter if aggregate.filter else where
    return found


def item_tally(
    flt: MetricsFilter, now: datetime, *, daily: bool = False
) -> dict[tuple, dict[str, int]]:
    """Every item figure of the cases of `flt` in its period: one row of
    counts (one query per source), or with `daily` one per (local day, team)
    (one query per figure: grouped by day and team too, the finer groups of
    a source's figures together would multiply the rows read)."""
    found: dict[tuple, dict[str, int]] = defaultdict(dict)
    tz = timezone.get_current_timezone()
    figures = _figures(now)
    for source, (rows_of, moment) in SOURCES.items():
        mine = [(i, f) for i, f in enumerate(figures) if f.source == source]
        rows = rows_of().filter(within(moment, flt), flt.case_q(CASE)).order_by()
        keys: tuple[str, ...] = ()
        if daily:
            rows = rows.annotate(d=TruncDay(moment, tzinfo=tz))
            keys = ("d", f"{CASE}team_id")
        for some in [[one] for one in mine] if daily else [mine]:
            if len(some) == 1:  # alone, a figure reads only the rows it counts
                [(i, figure)] = some
                part = rows.filter(figure.where)
                counted = {f"{n}_{i}": c for n, c in figure.counts.items()}
            else:  # together, each count is of the rows its figure counts
                part, counted = rows, {}
                for i, figure in some:
                    for n, c in figure.counts.items():
                        counted[f"{n}_{i}"] = _counting(figure.where, c)
            fields = list(dict.fromkeys(g for _, f in some for g in f.group))
            if keys or fields:
                found_rows = part.values(*keys, *fields).annotate(**counted)
            else:
                found_rows = [part.aggregate(**counted)]
            for row in found_rows:
                key = (_day(row["d"]), row[f"{CASE}team_id"]) if daily else ()
                for i, f in some:
                    named = {n: row[f"{n}_{i}"] for n in f.counts}
                    _named(f.prefix, [row[g] for g in f.group], named, found[key])
    for key, counts in _skips(flt, daily):
        add(found[key], counts)
    return found


def _named(prefix: str, group: Iterable, counts: dict, into: dict) -> None:
    """Add `counts` to `into` as "<prefix>:<group…>:<name>" (amounts in cents)."""
    head = ":".join([prefix, *(str(g) for g in group)])
    for name, value in counts.items():
        add(into, {f"{head}:{name}": _cents(value) if "cents" in name else value})


def _skips(flt: MetricsFilter, daily: bool) -> Iterable[tuple[tuple, dict]]:
    """Which stages the skips made in the period jumped over ("k:<stage>")."""
    # Skip events are few: a partial index (migration dashboards 0003) finds them.
    events = Event.objects.filter(
        flt.case_q(CASE),
        within("created_at", flt),
        **{f"{CASE}skipped_steps__gt": 0},
        kind="stage_changed",
        data__move="skip",
    )
    tz = timezone.get_current_timezone()
    for created, team, skipped in events.values_list(
        "created_at", f"{CASE}team_id", "data__skipped"
    ):
        day = timezone.localtime(created, tz).date()
        counts = {f"k:{s}": 1 for s in skipped or () if s in STAGE_ORDER}
        yield ((day, team) if daily else ()), counts
