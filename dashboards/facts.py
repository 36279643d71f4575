"""Writes of the dashboards app: keeping one `CaseFacts` row per case.

A row is always rewritten whole, from the case, its SLA clocks, escalation
events, apologies, offers and follow-ups, so a refresh is idempotent and
cannot drift. Which cases to rewrite comes from the change feed
(`dashboards.changes`): every change to a case appends a timeline event;
only the rows that differ are written. A case filed, closed or moved to
another customer also rewrites its customer's other cases (whether they
were followed by another within 90 days, which was filed or closed last). The rollup
(`dashboards.months`) is adjusted for every day a rewritten row counted
in, before or after. Beat refreshes every minute (`facts_refresh`)
and rebuilds every row nightly (`facts_rebuild`: e.g. after a calendar
changes the business hours). Page views never write.

Business-hours durations are computed in Python (`sla.businesstime`) on the
case's calendar — its team's, else its SLA policy's, else always open:
- time to first response (and to the first apology): from filing;
- time to resolution: the business time the resolution clock ran until the
  case was resolved (waiting on the customer excluded; after a reopen, the
  latest round). A case without SLA clocks counts from filing.
A duration is measured over at most MAX_SPAN (dates up to year 9999 are
stored, but no clock runs for centuries).
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from complaints.models import Case, Event, Message, Offer, OfferStatus
from complaints.search_index import keys
from followups.models import FollowUp, FollowUpStatus, Outcome
from sla.businesstime import BusinessCalendar, business_time_between
from sla.models import Deadline, DeadlineKind
from sla.services import calendar_id_from, calendar_spec_by_id

from .changes import (
    MARK,
    facts_as_of,  # noqa: F401 (the facts' own reader)
    feed_mark,
    feed_read,
    one_writer,
)
from .metrics.figures import MOMENTS
from .models import CaseFacts, Moment, RefreshMark
from .months import (
    columns_changed,
    days_touched,
    items_refresh,
    rollup_adjust,
    rollup_roll,
    rollup_tally,
)

logger = logging.getLogger(__name__)
BATCH = 2000
MAX_SPAN = timedelta(days=366 * 20)
RECUR = timedelta(days=90)
CLOCKS = {DeadlineKind.FIRST_RESPONSE: "fr", DeadlineKind.RESOLUTION: "res"}
# Copied from the case as they are; then the moments that date the figures.
COPIED = (
    *("team_id", "category_id", "root_cause_id", "assignee_id", "customer_id"),
    *("priority", "channel", "stage", "first_response_at", "resolved_at"),
    *("closed_at", "reopen_count", "skipped_steps"),
)
CASE_FIELDS = (
    "pk",
    *COPIED,
    "created_at",
    "team__calendar_id",
    "sla_policy__calendar_id",
)
GRANTED = (OfferStatus.ACCEPTED, OfferStatus.FULFILLED)
ITEM_DIMENSIONS = ("team_id", "root_cause_id", "assignee_id", "skipped_steps")
CUSTOMER_FIELDS = ("customer_id", "filed_at", "closed_at")
MOMENT_FIELDS = [f for f in CaseFacts._meta.fields if isinstance(f, Moment)]
NAMES = [f.attname for f in CaseFacts._meta.concrete_fields]


def facts_refresh(*, now: datetime | None = None, wait: bool = False) -> int:
    """Rewrite the facts of the cases changed since the last refresh; return how
    many. Without a mark (a new or restored database) every case is rebuilt.
    While another refresh or the rebuild is at work, nothing (the changes
    stay in the feed for the next), or with `wait` once it has finished."""
    with one_writer(wait=wait) as mine:
        if not mine:
            logger.info(
                "dashboard refresh skipped: another refresh or the rebuild is at work"
            )
            return 0
        return _refresh(now or timezone.now())


def _refresh(now: datetime) -> int:
    mark = RefreshMark.objects.filter(name=MARK).first()
    if mark is None:
        return facts_rebuild(now=now)
    feed = feed_read(mark)
    ids = sorted(feed.cases)
    if ids:  # else the facts are current as of now
        moved, customers = _compute(ids, now)
        # A filing or closing changes which of its customer's cases count them.
        siblings = Case.objects.filter(customer_id__in=customers).exclude(pk__in=ids)
        moved |= _compute(sorted(siblings.values_list("pk", flat=True)), now)[0]
        items_refresh(moved | feed.items, now)
    rollup_roll(now=now)  # the days that ended since
    feed_mark(feed, now)
    return len(ids)


def facts_rebuild(*, now: datetime | None = None) -> int:
    """Compute the facts of every case and the whole rollup again, writing
    only the rows that differ (a night with nothing changed writes nothing);
    return how many cases. Waits for a refresh at work to finish."""
    with one_writer(wait=True):
        now = now or timezone.now()
        feed = feed_read(None)
        ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            facts_save(_differing(ids[start : start + BATCH])[1])
        rollup_roll(now=now, everything=True)
        feed_mark(feed, now)
        return len(ids)


@transaction.atomic
def _compute(ids: list[int], now: datetime) -> tuple[set[int], set[int]]:
    """Rewrite the facts of `ids` that changed, and add to the rollup of each
    day they count in what their new rows count less what their old rows
    counted; return those whose items count elsewhere now (another team, root
    cause, assignee or skip count), and the customers of those filed, closed
    or moved to another customer."""
    moved, customers = set(), set()
    for start in range(0, len(ids), BATCH):
        old, made = _differing(ids[start : start + BATCH])
        new = {f.case_id: _values(f) for f in made}
        kept = {pk: old[pk] for pk in new if pk in old}
        touched = days_touched(kept, new, now)
        # The counts of what did not change cancel out: only the cases with
        # a day touched, over the span of those days, by the figures that read
        # a changed column.
        rows = _by_key({pk for ids in touched.values() for pk in ids})
        changed = columns_changed(touched, kept, new)
        before = rollup_tally(rows, touched, now, keyed=True, changed=changed)
        facts_save(made)
        after = rollup_tally(rows, touched, now, keyed=True, changed=changed)
        rollup_adjust(before, after)
        for pk, after in new.items():
            before_ = old.get(pk, {})
            if any(before_.get(n) != after[n] for n in ITEM_DIMENSIONS):
                moved.add(pk)
            if any(before_.get(n) != after[n] for n in CUSTOMER_FIELDS):
                customers |= {before_.get("customer_id"), after["customer_id"]}
    return moved, customers - {None}


def _values(facts: CaseFacts) -> dict[str, Any]:
    return {name: getattr(facts, name) for name in NAMES}


def _differing(ids: list[int]) -> tuple[dict[int, dict], list[CaseFacts]]:
    """The stored facts of `ids` (by case), and those computed anew that
    differ from them."""
    rows = CaseFacts.objects.filter(case_id__in=ids).values(*NAMES)
    old = {row["case_id"]: row for row in rows}
    return old, [f for f in facts_made(ids) if old.get(f.case_id) != _values(f)]


def _by_key(ids: set[int]) -> QuerySet[CaseFacts]:
    """The facts of `ids`, read by key: on PostgreSQL as one array the planner
    cannot weigh (it read every row in parallel for a thousand ids)."""
    if connection.vendor == "postgresql":
        return CaseFacts.objects.filter(keys(sorted(ids)))
    return CaseFacts.objects.filter(case_id__in=ids)


def facts_save(made: list[CaseFacts]) -> int:
    """Upsert computed facts; return how many."""
    CaseFacts.objects.bulk_create(
        made,
        update_conflicts=True,
        unique_fields=["case"],
        update_fields=[
            f.name for f in CaseFacts._meta.concrete_fields if not f.primary_key
        ],
    )
    return len(made)


def facts_made(case_ids: Iterable[int]) -> list[CaseFacts]:
    """The facts of the given cases, computed (not saved)."""
    # In the order of their keys, so a batch is written in that order: new
    # rows then fill the primary key's pages (out of order, about 70 %).
    cases = Case.objects.filter(pk__in=list(case_ids)).order_by("pk")
    rows = list(cases.values(*CASE_FIELDS))
    ids = [row["pk"] for row in rows]
    of = {"case_id__in": ids}
    clocks: dict[int, dict[str, dict]] = {}
    for clock in Deadline.objects.filter(**of, kind__in=CLOCKS).values():
        clocks.setdefault(clock["case_id"], {})[clock["kind"]] = clock
    escalated = (
        Event.objects.filter(**of, kind="escalated", after__in=[1, 2])
        .order_by()
        .values_list("case_id", "after")
        .annotate(first=Min("created_at"))
    )
    found: dict[Any, Any] = {(pk, int(level)): first for pk, level, first in escalated}
    apologies = Message.objects.filter(**of, kind="apology").order_by()
    found |= dict(apologies.values_list("case_id").annotate(first=Min("created_at")))
    for pk, status, made in (
        Offer.objects.filter(**of)
        .order_by("-created_at", "-pk")
        .values_list("case_id", "status", "created_at")
    ):  # newest first: the first offer is written last
        found[(pk, "offer")] = (made, status in GRANTED)
    scored = FollowUp.objects.filter(
        **of, status=FollowUpStatus.DONE, csat__isnull=False
    ).order_by("completed_at", "pk")
    for pk, csat, done in scored.values_list("case_id", "csat", "completed_at"):
        found.setdefault((pk, "csat"), []).append((csat, done))
    unhappy = FollowUp.objects.filter(**of, outcome=Outcome.UNSATISFIED).order_by()
    for pk, latest in unhappy.values_list("case_id").annotate(Max("completed_at")):
        found[(pk, "unhappy")] = latest
    for row in rows:  # the calendars, each looked up once
        row["calendar_id"] = calendar_id_from(
            team_calendar_id=row["team__calendar_id"],
            policy_calendar_id=row["sla_policy__calendar_id"],
        )
    for calendar in {row["calendar_id"] for row in rows}:
        found[("calendar", calendar)] = calendar_spec_by_id(calendar)
    customers = {row["customer_id"] for row in rows} - {None}
    siblings = Case.objects.filter(customer_id__in=customers)
    for customer, *case in siblings.values_list(
        "customer_id", "pk", "created_at", "closed_at"
    ):
        found.setdefault((customer, "cases"), []).append(case)
    return [_facts(row, clocks.get(row["pk"], {}), found) for row in rows]


def _refiled(closed: datetime | None, cases: list) -> bool:
    """Whether another of the customer's `cases` was filed within 90 days
    after `closed`."""
    return closed is not None and any(
        closed < other <= closed + RECUR for _, other, _ in cases
    )


def _filings(pk: int, cases: list) -> dict[str, Any]:
    """Whether case `pk` is its customer's second-latest filing (by filing,
    then id), and if it is their latest, how many cases they filed."""
    order = [other for _, other in sorted((filed, other) for other, filed, _ in cases)]
    return {
        "customer_penultimate": len(order) > 1 and order[-2] == pk,
        "customer_cases": len(order) if order and order[-1] == pk else None,
    }


def _latest(pk: int, cases: list, *, again: bool) -> bool:
    """Whether case `pk` is the latest closed of its customer's `cases` (by
    closing, then id; with `again`, of those followed by another filing)."""
    closings = [
        (closed, other)
        for other, _, closed in cases
        if closed is not None and (not again or _refiled(closed, cases))
    ]
    return bool(closings) and max(closings)[1] == pk


def _facts(row: dict, clocks: dict[str, dict], found: dict) -> CaseFacts:
    pk, filed, closed = row["pk"], row["created_at"], row["closed_at"]
    spec = found[("calendar", row["calendar_id"])]
    apology = found.get(pk)
    offer_at, offer_granted = found.get((pk, "offer"), (None, None))
    scores = found.get((pk, "csat"), [])
    cases = found.get((row["customer_id"], "cases"), [])
    facts = CaseFacts(
        case_id=pk,
        **{name: row[name] for name in COPIED},
        filed_at=filed,
        escalated_1_at=found.get((pk, 1)),
        escalated_2_at=found.get((pk, 2)),
        first_response_seconds=business_seconds(filed, row["first_response_at"], spec),
        resolution_seconds=resolution_seconds(
            filed, row["resolved_at"], clocks.get(DeadlineKind.RESOLUTION), spec
        ),
        first_apology_at=apology,
        first_apology_seconds=business_seconds(filed, apology, spec),
        first_offer_at=offer_at,
        first_offer_accepted=offer_granted,
        unhappy_at=found.get((pk, "unhappy")),
        refiled_90d=_refiled(closed, cases),
        customer_closed_last=_latest(pk, cases, again=False),
        customer_again_last=_latest(pk, cases, again=True),
        **_filings(pk, cases),
    )
    if len(scores) >= 2:
        facts.csat_before = scores[0][0]
        facts.csat_after, facts.csat_after_at = scores[-1]
    for kind, prefix in CLOCKS.items():
        on_time, missed = decided(clocks.get(kind))
        setattr(facts, f"{prefix}_on_time_at", on_time)
        setattr(facts, f"{prefix}_missed_at", missed)
    for field in MOMENT_FIELDS:  # as stored: to the minute
        setattr(facts, field.attname, field.to_python(getattr(facts, field.attname)))
    moments = [getattr(facts, name) for name in MOMENTS]
    facts.active_until = max(m for m in moments if m)
    return facts


def decided(clock: dict[str, Any] | None) -> tuple[Any, Any]:
    """(when met on time, when due if missed once due) of an SLA clock: met no
    later than due; else neither met, paused nor cancelled by then."""
    if clock is None:
        return None, None
    due, met = clock["due_at"], clock["met_at"]
    if met is not None and met <= due:
        return met, None
    stopped = (clock["paused_at"], clock["cancelled_at"])
    return None, due if all(s is None or s > due for s in stopped) else None


def business_seconds(
    start: datetime | None, end: datetime | None, spec: BusinessCalendar
) -> int | None:
    """Whole business seconds from `start` to `end` (None if either is missing),
    measured over at most MAX_SPAN."""
    if start is None or end is None:
        return None
    return _whole(_between(start, end, spec))


def resolution_seconds(
    created: datetime,
    resolved: datetime | None,
    clock: dict[str, Any] | None,
    spec: BusinessCalendar,
) -> int | None:
    """Business seconds the resolution clock ran until `resolved` (see module)."""
    if resolved is None:
        return None
    if clock is None:
        return business_seconds(created, resolved, spec)
    end = clock["met_at"] or resolved
    if clock["paused_at"] is not None and clock["paused_at"] < end:
        end = clock["paused_at"]
    return _whole(clock["consumed"] + _between(clock["started_at"], end, spec))


def _between(start: datetime, end: datetime, spec: BusinessCalendar) -> timedelta:
    end = max(start, end)
    if end - start > MAX_SPAN:
        end = start + MAX_SPAN
    try:
        return business_time_between(start, end, spec)
    except OverflowError:  # within a day of year 9999: nothing to measure
        return timedelta(0)


def _whole(value: timedelta) -> int:
    return max(0, int(value.total_seconds()))
