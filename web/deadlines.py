"""Deadline wording for the pages: "due in 3 h", "overdue by 1 d", in business time.

SLA targets are promised in business time, so the pages count what is left
(or how late it is) in the open hours of the case's calendar, not wall-clock
hours. A "day" here is one working day of that calendar (its weekly open time
divided by its open days), so "overdue by 1 d" means one working day late.
Calendars are loaded once per request, whatever the number of rows shown.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils.translation import gettext as _

from sla.businesstime import BusinessCalendar, business_time_between
from sla.models import Calendar

ALWAYS_OPEN = BusinessCalendar.always_open()
_MIDNIGHT = timedelta(hours=24)


@dataclass(frozen=True)
class DueLabel:
    text: str
    state: str  # "ok", "soon", "overdue", "met", "paused", "cancelled"
    due_at: datetime | None


class CalendarBook:
    """Every business calendar, built once; look one up by id."""

    def __init__(self) -> None:
        self._specs: dict[int, BusinessCalendar] | None = None

    def spec(self, calendar_id: int | None) -> BusinessCalendar:
        if calendar_id is None:
            return ALWAYS_OPEN
        if self._specs is None:
            self._specs = _load_specs()
        return self._specs.get(calendar_id, ALWAYS_OPEN)


def due_label(
    *,
    due_at: datetime | None,
    warn_at: datetime | None,
    now: datetime,
    spec: BusinessCalendar,
) -> DueLabel | None:
    """Word a running deadline; None when there is none."""
    if due_at is None:
        return None
    day = working_day(spec)
    if due_at <= now:
        late = business_time_between(due_at, now, spec)
        return DueLabel(
            _("overdue by %(span)s") % {"span": humanise(late, day)},
            "overdue",
            due_at,
        )
    left = business_time_between(now, due_at, spec)
    state = "soon" if warn_at is not None and warn_at <= now else "ok"
    return DueLabel(_("due in %(span)s") % {"span": humanise(left, day)}, state, due_at)


def deadline_label(deadline, *, now: datetime, spec: BusinessCalendar) -> DueLabel:
    """Word one Deadline row, whatever its state."""
    if deadline.met_at:
        return DueLabel(_("met"), "met", deadline.due_at)
    if deadline.cancelled_at:
        return DueLabel(_("stopped"), "cancelled", deadline.due_at)
    if deadline.paused_at:
        return DueLabel(
            _("paused while awaiting the customer"), "paused", deadline.due_at
        )
    return due_label(
        due_at=deadline.due_at, warn_at=deadline.warn_at, now=now, spec=spec
    )


def humanise(span: timedelta, day: timedelta = _MIDNIGHT) -> str:
    """Round a business-time span to one unit: min, h or d (working days)."""
    minutes = round(span.total_seconds() / 60)
    if minutes < 1:
        return _("under a minute")
    if minutes < 60:
        return _("%(minutes)s min") % {"minutes": minutes}
    hours = round(span / timedelta(hours=1))
    if hours < round(day / timedelta(hours=1)):
        return _("%(hours)s h") % {"hours": hours}
    return _("%(days)s d") % {"days": max(1, round(span / day))}


def working_day(spec: BusinessCalendar) -> timedelta:
    """The open time of an average working day of the calendar."""
    total, days = timedelta(0), 0
    for intervals in spec.weekly.values():
        length = sum((_length(o, c) for o, c in intervals), timedelta(0))
        if length:
            total += length
            days += 1
    return total / days if days else _MIDNIGHT


def _length(opens: time, closes: time | None) -> timedelta:
    start = timedelta(hours=opens.hour, minutes=opens.minute)
    end = (
        _MIDNIGHT
        if closes is None
        else timedelta(hours=closes.hour, minutes=closes.minute)
    )
    return max(end - start, timedelta(0))


def _load_specs() -> dict[int, BusinessCalendar]:
    specs = {}
    for calendar in Calendar.objects.prefetch_related("hours", "holidays"):
        weekly: dict[int, list] = {}
        for hours in calendar.hours.all():
            weekly.setdefault(hours.weekday, []).append((hours.opens, hours.closes))
        holidays = frozenset(h.date for h in calendar.holidays.all())
        if not weekly:
            specs[calendar.pk] = ALWAYS_OPEN
            continue
        try:
            specs[calendar.pk] = BusinessCalendar(
                tz=calendar.time_zone, weekly=weekly, holidays=holidays
            )
        except ValueError:
            specs[calendar.pk] = ALWAYS_OPEN
    return specs
