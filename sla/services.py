"""Writes to SLA deadlines: start, meet, pause, resume, recompute, stop.

Called by the lifecycle and the case services inside their transactions, so a
deadline always agrees with the case it belongs to.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from complaints.models import Case, Stage
from config.memo import Memo, memo_forget

from .businesstime import (
    BusinessCalendar,
    add_business_time,
    business_time_between,
    next_open,
)
from .models import RUNNING, Calendar, Deadline, DeadlineKind, Holiday, SlaPolicy


def calendar_spec(calendar: Calendar | None) -> BusinessCalendar:
    """Turn a stored calendar into the arithmetic's value.

    No calendar, or one without any opening hours yet (a deadline could never
    fall due), counts as always open rather than failing every filing.
    """
    if calendar is None:
        return BusinessCalendar.always_open()
    weekly: dict[int, list] = {}
    for hours in calendar.hours.all():
        weekly.setdefault(hours.weekday, []).append((hours.opens, hours.closes))
    if not weekly:
        return BusinessCalendar.always_open(calendar.time_zone)
    holidays = frozenset(calendar.holidays.values_list("date", flat=True))
    return BusinessCalendar(tz=calendar.time_zone, weekly=weekly, holidays=holidays)


# Policies and calendars change rarely and every filing reads them: they are
# kept per process (`config.memo`); a save or delete of a policy, calendar,
# opening hours or holiday clears them in every worker (`SlaConfig.ready`).
_policies = Memo("sla-policies")
_specs = Memo("sla-calendars")


def policy_for(case: Case) -> SlaPolicy | None:
    """Return the active policy for the case's priority and category, if any."""
    return _policies.get(
        (case.priority, case.category_id),
        lambda: _policy_stored(case.priority, case.category_id),
    )


def _policy_stored(priority: str, category_id: int | None) -> SlaPolicy | None:
    policies = SlaPolicy.objects.filter(active=True, priority=priority)
    if category_id:
        specific = policies.filter(category_id=category_id).first()
        if specific is not None:
            return specific
    return policies.filter(category__isnull=True).first()


def calendar_spec_by_id(calendar_id: int | None) -> BusinessCalendar:
    """Return a calendar's arithmetic value, kept in this process until edited.

    Filing a case needs it on every request; the calendar changes rarely.
    """
    if calendar_id is None:
        return BusinessCalendar.always_open()
    return _specs.get(
        calendar_id,
        lambda: calendar_spec(Calendar.objects.filter(pk=calendar_id).first()),
    )


def calendar_specs_forget(**_: object) -> None:
    """Drop the kept policies and calendars in every process (a signal receiver)."""
    memo_forget()


def deadlines_start(*, case: Case, now: datetime | None = None) -> list[Deadline]:
    """Start the first-response and resolution clocks of a case (none yet)."""
    stored = case.sla_policy_id
    made = deadlines_plan(case=case, now=now)
    if made and case.sla_policy_id != stored:
        Case.objects.filter(pk=case.pk).update(sla_policy=case.sla_policy)
    return Deadline.objects.bulk_create(made)


def deadlines_plan(*, case: Case, now: datetime | None = None) -> list[Deadline]:
    """The unsaved first-response and resolution clocks a case starts with.

    Sets the case's policy (the filing hook `sla.hooks` set it before the
    insert, from `policy_for`).
    """
    now = now or case.created_at or timezone.now()
    policy = case.sla_policy if case.sla_policy_id else policy_for(case)
    if policy is None:
        return []
    case.sla_policy = policy
    spec = calendar_spec_by_id(calendar_id_of(case, policy))
    made = []
    for kind, minutes in (
        (DeadlineKind.FIRST_RESPONSE, policy.first_response_minutes),
        (DeadlineKind.RESOLUTION, policy.resolution_minutes),
    ):
        deadline = Deadline(
            case=case, kind=kind, target_minutes=minutes, started_at=now
        )
        _schedule(deadline, spec, policy, elapsed=timedelta(0), now=now)
        made.append(deadline)
    return made


def deadlines_first_response(*, case: Case, at: datetime) -> None:
    """Mark the first-response clock met."""
    _meet(case, DeadlineKind.FIRST_RESPONSE, at)


def deadlines_on_stage_change(*, case: Case, before: str, after: str) -> None:
    """Meet, stop or restart clocks as the case changes stage."""
    now = timezone.now()
    if after in (Stage.RESOLVED, Stage.FOLLOWING_UP):
        _meet(case, DeadlineKind.RESOLUTION, now)
    elif after == Stage.CLOSED:
        _meet(case, DeadlineKind.FIRST_RESPONSE, now, cancel=True)
        _meet(case, DeadlineKind.RESOLUTION, now, cancel=True)
    elif after == Stage.LISTENING and before in (
        Stage.RESOLVED,
        Stage.FOLLOWING_UP,
        Stage.CLOSED,
    ):
        _restart_resolution(case, now)


def deadlines_pause(*, case: Case, now: datetime | None = None) -> None:
    """Pause the resolution clock while the case waits on the customer."""
    now = now or timezone.now()
    Deadline.objects.filter(
        case=case,
        kind=DeadlineKind.RESOLUTION,
        **RUNNING,
    ).update(paused_at=now, next_check_at=None)


def deadlines_resume(*, case: Case, now: datetime | None = None) -> None:
    """Resume the resolution clock; its due time moves by the business time paused."""
    now = now or timezone.now()
    paused = list(
        Deadline.objects.filter(
            case=case, kind=DeadlineKind.RESOLUTION, paused_at__isnull=False
        )
    )
    if not paused:
        return
    policy = case.sla_policy or policy_for(case)
    spec = calendar_spec_by_id(calendar_id_of(case, policy))
    for deadline in paused:
        deadline.consumed += business_time_between(
            deadline.started_at, deadline.paused_at, spec
        )
        deadline.started_at = now
        deadline.paused_at = None
        _schedule(deadline, spec, policy, elapsed=deadline.consumed, now=now)
        deadline.save()


def deadlines_recompute(*, case: Case) -> None:
    """Recompute open deadlines after the priority or category changed."""
    policy = policy_for(case)
    Case.objects.filter(pk=case.pk).update(sla_policy=policy)
    case.sla_policy = policy
    if policy is None:
        return
    spec = calendar_spec_by_id(calendar_id_of(case, policy))
    now = timezone.now()
    targets = {
        DeadlineKind.FIRST_RESPONSE: policy.first_response_minutes,
        DeadlineKind.RESOLUTION: policy.resolution_minutes,
    }
    existing = {d.kind: d for d in Deadline.objects.filter(case=case)}
    if not existing:
        deadlines_start(case=case, now=now)
        return
    for kind, deadline in existing.items():
        if deadline.met_at or deadline.cancelled_at:
            continue
        deadline.target_minutes = targets[kind]
        if deadline.paused_at:  # resuming schedules it against the new target
            deadline.save(update_fields=["target_minutes"])
            continue
        elapsed = deadline.consumed + business_time_between(
            deadline.started_at, now, spec
        )
        _schedule(deadline, spec, policy, elapsed=elapsed, now=now)
        deadline.save()


def _schedule(
    deadline: Deadline,
    spec: BusinessCalendar,
    policy: SlaPolicy | None,
    *,
    elapsed: timedelta,
    now: datetime,
) -> None:
    """Set due and warn instants from `now`, given business time already elapsed."""
    target = timedelta(minutes=deadline.target_minutes)
    warn_percent = policy.warn_at_percent if policy else 75
    warn_after = target * warn_percent / 100
    deadline.due_at = add_business_time(now, max(target - elapsed, timedelta(0)), spec)
    deadline.warn_at = add_business_time(
        now, max(warn_after - elapsed, timedelta(0)), spec
    )
    deadline.next_check_at = next_check(deadline)


def next_check(deadline: Deadline) -> datetime | None:
    """Return the earliest step of the deadline not yet fired (None: nothing left)."""
    if not deadline.is_running:
        return None
    pending = []
    if deadline.warned_at is None:
        pending.append(deadline.warn_at)
    if deadline.breached_at is None:
        pending.append(deadline.due_at)
    elif deadline.escalated_again_at is None and deadline.escalate_again_at:
        pending.append(deadline.escalate_again_at)
    return min(pending) if pending else None


def _meet(case: Case, kind: str, at: datetime, cancel: bool = False) -> None:
    open_clocks = Deadline.objects.filter(
        case=case, kind=kind, met_at__isnull=True, cancelled_at__isnull=True
    )
    if cancel:
        open_clocks.update(cancelled_at=at, next_check_at=None)
    else:
        open_clocks.update(met_at=at, next_check_at=None, paused_at=None)


def _restart_resolution(case: Case, now: datetime) -> None:
    policy = case.sla_policy or policy_for(case)
    if policy is None:
        return
    spec = calendar_spec_by_id(calendar_id_of(case, policy))
    Deadline.objects.filter(case=case, kind=DeadlineKind.RESOLUTION).delete()
    deadline = Deadline(
        case=case,
        kind=DeadlineKind.RESOLUTION,
        target_minutes=policy.resolution_minutes,
        started_at=now,
    )
    _schedule(deadline, spec, policy, elapsed=timedelta(0), now=now)
    deadline.save()


def calendar_id_from(
    *, team_calendar_id: int | None, policy_calendar_id: int | None
) -> int | None:
    """The one rule for a case's calendar: its team's, else its SLA policy's."""
    return team_calendar_id if team_calendar_id is not None else policy_calendar_id


def case_next_open(*, case: Case, at: datetime) -> datetime:
    """`at` if the case's calendar is open then, else its next opening instant."""
    spec = calendar_spec_by_id(calendar_id_of(case, case.sla_policy))
    try:
        return next_open(at, spec)
    except ValueError:  # a calendar with no opening hours at all
        return at


def calendar_id_of(case: Case, policy: SlaPolicy | None) -> int | None:
    """The calendar a case's clocks run on under `policy` (see `calendar_id_from`)."""
    return calendar_id_from(
        team_calendar_id=case.team.calendar_id if case.team_id and case.team else None,
        policy_calendar_id=policy.calendar_id if policy else None,
    )


def case_calendar_id(case: Case) -> int | None:
    """The calendar the case's clocks run on now, under its own policy."""
    return calendar_id_of(case, case.sla_policy if case.sla_policy_id else None)


def case_calendar(case: Case) -> BusinessCalendar:
    """The business calendar the case's clocks run on now (cached per process)."""
    return calendar_spec_by_id(case_calendar_id(case))


def calendar_seed_holidays(
    *,
    calendar: Calendar,
    years: list[int],
    country: str = "",
    subdivision: str = "",
) -> int:
    """Add the public holidays of a country (or the calendar's) for `years`.

    Existing dates are kept; return how many were added. Raises ValueError for
    an unknown country or subdivision.
    """
    import holidays as holiday_data

    country = (country or calendar.country).upper()
    subdivision = subdivision or calendar.subdivision
    if not country:
        raise ValueError("Set the calendar's country or give one.")
    try:
        found = holiday_data.country_holidays(
            country, subdiv=subdivision or None, years=years
        )
    except NotImplementedError as exc:
        raise ValueError(f"No holiday data for {country!r}.") from exc
    rows = [
        Holiday(calendar=calendar, date=day, name=str(name)[:100])
        for day, name in sorted(found.items())
    ]
    before = calendar.holidays.count()
    Holiday.objects.bulk_create(rows, ignore_conflicts=True)
    calendar_specs_forget()
    return calendar.holidays.count() - before
