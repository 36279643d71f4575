"""What the business-time tests share: calendars, instants and a reference
that steps minute by minute."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sla.businesstime import BusinessCalendar

LONDON = ZoneInfo("Europe/London")
H = timedelta(hours=1)
OFFICE = BusinessCalendar("Europe/London", {d: [(time(9), time(17))] for d in range(5)})
LUNCH = BusinessCalendar(
    "Europe/London",
    {d: [(time(9), time(12, 30)), (time(13, 30), time(17, 30))] for d in range(5)},
)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def reference_add(start: datetime, duration: timedelta, cal: BusinessCalendar):
    """Step minute by minute, testing local wall-clock membership directly."""
    zone, t, remaining = ZoneInfo(cal.tz), start.astimezone(UTC), duration
    while remaining > timedelta(0):
        wall = t.astimezone(zone)
        if wall.date() not in cal.holidays and any(
            opens <= wall.time() and (closes is None or wall.time() < closes)
            for opens, closes in cal.weekly.get(wall.weekday(), ())
        ):
            remaining -= timedelta(minutes=1)
        t += timedelta(minutes=1)
    return t
