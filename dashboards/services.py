"""Writes of the dashboards app: keeping `CaseDurations` in step with the cases.

Business-hours durations are computed in Python (`sla.businesstime`) with the
case's calendar — its team's, else its SLA policy's, else always open, as the
SLA clocks do — and stored, so the dashboard aggregates them in SQL.

- time to first response: business time from filing to the first
  customer-facing response (`Case.first_response_at`);
- time to resolution: business time the resolution clock ran until the case
  was resolved — time waiting on the customer is excluded, and after a reopen
  only the latest round counts (the clock restarts). A case without SLA
  clocks counts from filing to `resolved_at`.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet

from complaints.models import Case
from sla.businesstime import BusinessCalendar, business_time_between
from sla.models import Calendar, Deadline, DeadlineKind, SlaPolicy
from sla.services import calendar_spec
from teams.models import Team

from .changes import changed_case_ids, latest_event_id
from .models import CaseDurations, RefreshMark

BATCH = 2000


def durations_stale(cases: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Return the cases whose stored durations are missing or out of date."""
    cases = Case.objects.all() if cases is None else cases
    has_times = Q(first_response_at__isnull=False) | Q(resolved_at__isnull=False)
    missing = Q(durations__isnull=True) & has_times
    changed = Q(durations__isnull=False) & (
        _differs("first_response_at")
        | _differs("resolved_at")
        | _differs("team_id")
        | _differs("category_id")
        | ~Q(priority=F("durations__priority"))
        | ~Q(channel=F("durations__channel"))
    )
    return cases.filter(missing | changed)


def durations_refresh(
    *, cases: QuerySet[Case] | None = None, limit: int | None = None
) -> int:
    """Recompute the stored durations of stale cases (at most `limit`); return how many."""
    ids = durations_stale(cases).order_by().values_list("pk", flat=True)
    ids = list(ids[:limit] if limit else ids)
    calendars = CalendarBook() if ids else None
    for start in range(0, len(ids), BATCH):
        durations_compute(case_ids=ids[start : start + BATCH], calendars=calendars)
    return len(ids)


def durations_refresh_recent(*, now: datetime, limit: int = 500) -> int:
    """Refresh the durations of cases whose times may have changed since the last call.

    Every change to a case (a first response, a resolution, a new team or
    category) writes a timeline event, so only the cases changed since the
    last call (`dashboards.changes`) are checked, and nothing at all when no
    event is newer. Without a mark (a new or restored database) every case is
    checked once. Returns how many were recomputed.
    """
    mark = RefreshMark.objects.filter(name="durations").first()
    latest = latest_event_id()
    cases = None
    if mark is not None:
        if latest == mark.event_id:
            return 0  # nothing new: no read of the events, no write of the mark
        cases = Case.objects.filter(pk__in=changed_case_ids(mark, now))
    done = durations_refresh(cases=cases, limit=limit if mark is not None else None)
    RefreshMark.objects.update_or_create(
        name="durations", defaults={"at": now, "event_id": latest}
    )
    return done


def durations_compute(*, case_ids: Iterable[int], calendars: Any = None) -> int:
    """Compute and upsert the durations of the given cases; return how many."""
    calendars = calendars or CalendarBook()
    rows = list(
        Case.objects.filter(pk__in=list(case_ids)).values_list(
            "pk",
            "created_at",
            "first_response_at",
            "resolved_at",
            "team_id",
            "sla_policy_id",
            "category_id",
            "priority",
            "channel",
        )
    )
    clocks = {
        d["case_id"]: d
        for d in Deadline.objects.filter(
            case_id__in=[row[0] for row in rows], kind=DeadlineKind.RESOLUTION
        ).values("case_id", "consumed", "started_at", "met_at", "paused_at")
    }
    made = []
    for pk, created, first, resolved, team_id, policy_id, *dims in rows:
        spec = calendars.spec(team_id, policy_id)
        made.append(
            CaseDurations(
                case_id=pk,
                team_id=team_id,
                category_id=dims[0],
                priority=dims[1],
                channel=dims[2],
                first_response_at=first,
                first_response_seconds=business_seconds(created, first, spec),
                resolved_at=resolved,
                resolution_seconds=resolution_seconds(
                    created, resolved, clocks.get(pk), spec
                ),
            )
        )
    CaseDurations.objects.bulk_create(
        made,
        update_conflicts=True,
        unique_fields=["case"],
        update_fields=[
            "first_response_at",
            "first_response_seconds",
            "resolved_at",
            "resolution_seconds",
            "team_id",
            "category_id",
            "priority",
            "channel",
            "computed_at",
        ],
    )
    return len(made)


class CalendarBook:
    """Every calendar, loaded once, looked up as the SLA clocks do."""

    def __init__(self) -> None:
        calendars = Calendar.objects.prefetch_related("hours", "holidays")
        self._specs = {c.pk: calendar_spec(c) for c in calendars}
        self._team = dict(Team.objects.values_list("pk", "calendar_id"))
        self._policy = dict(SlaPolicy.objects.values_list("pk", "calendar_id"))
        self._always = BusinessCalendar.always_open()

    def spec(self, team_id: int | None, policy_id: int | None) -> BusinessCalendar:
        calendar_id = self._team.get(team_id) or self._policy.get(policy_id)
        return self._specs.get(calendar_id, self._always)


def _differs(name: str) -> Q:
    stored = f"durations__{name}"
    return (
        Q(**{f"{name}__isnull": False, f"{stored}__isnull": True})
        | Q(**{f"{name}__isnull": True, f"{stored}__isnull": False})
        | (
            Q(**{f"{name}__isnull": False, f"{stored}__isnull": False})
            & ~Q(**{name: F(stored)})
        )
    )


def business_seconds(
    start: datetime | None, end: datetime | None, spec: BusinessCalendar
) -> int | None:
    """Whole business seconds from `start` to `end` (None if either is missing)."""
    if start is None or end is None:
        return None
    return _whole(business_time_between(start, max(start, end), spec))


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
    start = clock["started_at"]
    ran = business_time_between(start, max(start, end), spec)
    return _whole(clock["consumed"] + ran)


def _whole(value: timedelta) -> int:
    return max(0, int(value.total_seconds()))
