"""Writes of the dashboards app: keeping one `CaseFacts` row per case.

A row is always rewritten whole, from the case, its SLA clocks and its
escalation events, so a refresh is idempotent and cannot drift. Which cases
to rewrite comes from the change feed (`dashboards.changes`): every change
to a case appends a timeline event. Beat refreshes every minute
(`facts_refresh`), and rebuilds every row nightly (`facts_rebuild`: e.g.
after a calendar changes the business hours). Page views never write.

Business-hours durations are computed in Python (`sla.businesstime`) on the
case's calendar — its team's, else its SLA policy's, else always open:
- time to first response: from filing to the first customer-facing response;
- time to resolution: the business time the resolution clock ran until the
  case was resolved (waiting on the customer excluded; after a reopen, the
  latest round). A case without SLA clocks counts from filing.
A duration is measured over at most MAX_SPAN (dates up to year 9999 are
stored, but no clock runs for centuries).
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from complaints.models import Case, Event
from sla.businesstime import BusinessCalendar, business_time_between
from sla.models import Deadline, DeadlineKind
from sla.services import calendar_id_from, calendar_spec_by_id

from .changes import changed_case_ids, latest_event_id
from .models import CaseFacts, RefreshMark

BATCH = 2000
MARK = "facts"
MAX_SPAN = timedelta(days=366 * 20)
STILL_OPEN = datetime(9999, 12, 31, tzinfo=UTC)
CLOCKS = {DeadlineKind.FIRST_RESPONSE: "fr", DeadlineKind.RESOLUTION: "res"}
# Copied from the case as they are; then what the figures derive from.
COPIED = (
    "team_id",
    "category_id",
    "root_cause_id",
    "assignee_id",
    "priority",
    "channel",
    "stage",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "reopen_count",
    "skipped_steps",
)
CASE_FIELDS = (
    "pk",
    *COPIED,
    "created_at",
    "team__calendar_id",
    "sla_policy__calendar_id",
)
MOMENTS = (
    "filed_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    *(f"{c}_{m}_at" for c in CLOCKS.values() for m in ("due", "met", "paused")),
    *(f"{c}_cancelled_at" for c in CLOCKS.values()),
    "escalated_1_at",
    "escalated_2_at",
)


def facts_refresh(*, now: datetime | None = None) -> int:
    """Rewrite the facts of the cases changed since the last refresh; return how
    many. Without a mark (a new or restored database) every case is rebuilt."""
    now = now or timezone.now()
    mark = RefreshMark.objects.filter(name=MARK).first()
    if mark is None:
        return facts_rebuild(now=now)
    latest = latest_event_id()
    if latest == mark.event_id:  # nothing new: the facts are current as of now
        _mark(now, latest)
        return 0
    ids = list(changed_case_ids(mark, now))
    for start in range(0, len(ids), BATCH):
        facts_compute(case_ids=ids[start : start + BATCH])
    _mark(now, latest)
    return len(ids)


def facts_rebuild(*, now: datetime | None = None) -> int:
    """Rewrite the facts of every case; return how many."""
    now = now or timezone.now()
    latest = latest_event_id()
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        facts_compute(case_ids=ids[start : start + BATCH])
    _mark(now, latest)
    return len(ids)


def facts_as_of() -> datetime | None:
    """When the facts were last refreshed (None: never)."""
    return RefreshMark.objects.filter(name=MARK).values_list("at", flat=True).first()


@transaction.atomic
def facts_compute(*, case_ids: Iterable[int]) -> int:
    """Compute and upsert the facts of the given cases; return how many."""
    rows = list(Case.objects.filter(pk__in=list(case_ids)).values(*CASE_FIELDS))
    ids = [row["pk"] for row in rows]
    clocks: dict[int, dict[str, dict]] = {}
    for clock in Deadline.objects.filter(case_id__in=ids, kind__in=CLOCKS).values():
        clocks.setdefault(clock["case_id"], {})[clock["kind"]] = clock
    escalated = (
        Event.objects.filter(case_id__in=ids, kind="escalated", after__in=[1, 2])
        .order_by()
        .values_list("case_id", "after")
        .annotate(first=Min("created_at"))
    )
    levels = {(pk, int(level)): first for pk, level, first in escalated}
    made = [_facts(row, clocks.get(row["pk"], {}), levels) for row in rows]
    CaseFacts.objects.bulk_create(
        made,
        update_conflicts=True,
        unique_fields=["case"],
        update_fields=[
            f.name for f in CaseFacts._meta.concrete_fields if not f.primary_key
        ],
    )
    return len(made)


def _facts(row: dict, clocks: dict[str, dict], levels: dict) -> CaseFacts:
    pk = row["pk"]
    spec = calendar_spec_by_id(
        calendar_id_from(
            team_calendar_id=row["team__calendar_id"],
            policy_calendar_id=row["sla_policy__calendar_id"],
        )
    )
    facts = CaseFacts(
        case_id=pk,
        **{name: row[name] for name in COPIED},
        filed_at=row["created_at"],
        escalated_1_at=levels.get((pk, 1)),
        escalated_2_at=levels.get((pk, 2)),
        first_response_seconds=business_seconds(
            row["created_at"], row["first_response_at"], spec
        ),
        resolution_seconds=resolution_seconds(
            row["created_at"],
            row["resolved_at"],
            clocks.get(DeadlineKind.RESOLUTION),
            spec,
        ),
    )
    for kind, prefix in CLOCKS.items():
        clock = clocks.get(kind, {})
        for moment in ("due", "met", "paused", "cancelled"):
            setattr(facts, f"{prefix}_{moment}_at", clock.get(f"{moment}_at"))
    moments = [getattr(facts, name) for name in MOMENTS]
    facts.active_until = (
        STILL_OPEN if row["closed_at"] is None else max(m for m in moments if m)
    )
    return facts


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


def _mark(now: datetime, latest: int) -> None:
    RefreshMark.objects.update_or_create(
        name=MARK, defaults={"at": now, "event_id": latest}
    )
