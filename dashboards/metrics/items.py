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
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
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


def _offers(flt: MetricsFilter, now: datetime) -> tuple[QuerySet, tuple, dict]:
    granted = Q(status__in=GRANTED)
    return (
        Offer.objects.filter(within("created_at", flt)),
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
    )


def _goodwill(flt: MetricsFilter, now: datetime) -> tuple[QuerySet, tuple, dict]:
    fulfilled = Offer.objects.filter(
        within("created_at", flt), PRICED, status=OfferStatus.FULFILLED
    )
    return (
        fulfilled,
        (f"{CASE}root_cause_id", "currency"),
        {
            "n": Count("pk"),
            "cents": Sum("amount"),
        },
    )


def _done(flt: MetricsFilter, now: datetime) -> tuple[QuerySet, tuple, dict]:
    scored = Q(csat__isnull=False)
    return (
        FollowUp.objects.filter(DONE, within("completed_at", flt)),
        (),
        {
            "completed": Count("pk"),
            "scored": Count("pk", filter=scored),
            "csat_sum": Sum("csat", default=0),
            "unsatisfied": Count("pk", filter=Q(outcome=Outcome.UNSATISFIED)),
            **{f"csat_{n}": Count("pk", filter=Q(csat=n)) for n in range(1, 6)},
        },
    )


def _due(flt: MetricsFilter, now: datetime) -> tuple[QuerySet, tuple, dict]:
    waiting = Q(status=FollowUpStatus.SCHEDULED, due_at__lt=now)
    return (
        FollowUp.objects.filter(within("due_at", flt)).exclude(
            status=FollowUpStatus.CANCELLED
        ),
        (),
        {
            "due": Count("pk"),
            "done": Count("pk", filter=DONE),
            "overdue": Count("pk", filter=waiting),
        },
    )


def _scores(flt: MetricsFilter, now: datetime) -> tuple[QuerySet, tuple, dict]:
    scored = FollowUp.objects.filter(
        DONE,
        within("completed_at", flt),
        csat__isnull=False,
        **{f"{CASE}assignee__isnull": False},
    )
    return scored, (f"{CASE}assignee_id",), {"n": Count("pk"), "csat_sum": Sum("csat")}


# (prefix, the rows with what they are grouped by and count, their moment)
FIGURES = [
    ("o", _offers, "created_at"),
    ("g", _goodwill, "created_at"),
    ("f", _done, "completed_at"),
    ("f", _due, "due_at"),
    ("s", _scores, "completed_at"),
]


def item_tally(
    flt: MetricsFilter, now: datetime, *, daily: bool = False
) -> dict[tuple, dict[str, int]]:
    """Every item figure of the cases of `flt` in its period: one row of
    counts, or with `daily` one per (local day, team)."""
    found: dict[tuple, dict[str, int]] = defaultdict(dict)
    tz = timezone.get_current_timezone()
    for prefix, figure, moment in FIGURES:
        rows, fields, counted = figure(flt, now)
        rows = rows.filter(flt.case_q(CASE)).order_by()
        keys: tuple[str, ...] = ()
        if daily:
            rows = rows.annotate(d=TruncDay(moment, tzinfo=tz))
            keys = ("d", f"{CASE}team_id")
        if not (keys or fields):
            _named(prefix, (), rows.aggregate(**counted), found[()])
            continue
        for row in rows.values(*keys, *fields).annotate(**counted):
            key = (_day(row["d"]), row[f"{CASE}team_id"]) if daily else ()
            counts = {name: row[name] for name in counted}
            _named(prefix, [row[f] for f in fields], counts, found[key])
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
