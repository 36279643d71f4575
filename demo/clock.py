"""When a demo step happens: back-dated moments in office hours, and "now" made one.

`demo.walk` plays a script's steps one after another at `next_moment`, each
under `at`; `demo.email_thread` uses `at` for its back-dated emails.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from unittest import mock
from zoneinfo import ZoneInfo

GAP = timedelta(hours=3)
OFFICE = ZoneInfo("Europe/London")
OPENS, CLOSES = 8, 19  # staff work a little beyond the SLA calendar's hours


def next_moment(
    previous: datetime,
    *,
    now: datetime,
    remaining: int,
    floor: datetime | None = None,
) -> datetime:
    """When the next step happens: a little later, in office hours if there is room.

    Each step takes at most a share of the time left, so the script ends
    before `now` whatever the hour it is run at.
    """
    moment = previous + min(GAP, (now - previous) / (remaining + 1))
    if floor is not None:
        moment = max(moment, floor)
    office = _office_hours(moment)
    return office if office < now else moment


def _office_hours(moment: datetime) -> datetime:
    """The same moment if the office is open then, else the next opening."""
    local = moment.astimezone(OFFICE)
    if local.weekday() < 5 and OPENS <= local.hour < CLOSES:
        return moment
    day = local.date() if local.hour < OPENS else local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    # Keep the minutes, so steps pushed to the morning do not all coincide.
    opening = datetime.combine(day, dtime(OPENS, local.minute), tzinfo=OFFICE)
    return opening.astimezone(UTC)


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Make "now" `moment` for the services.

    time-machine (a test dependency, installed by `make demo`) stops every
    clock; without it, patching Django's `timezone.now`, which all of Redress
    reads, does the same job.
    """
    try:
        import time_machine
    except ImportError:
        with mock.patch("django.utils.timezone.now", return_value=moment):
            yield
        return
    with time_machine.travel(moment, tick=False):
        yield
