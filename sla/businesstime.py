"""Business-time arithmetic for SLA deadlines.

Complaint SLAs are promised in business time ("reply within 16 working
hours"), so a deadline must skip nights, weekends and holidays and stay right
when the clocks change. This module does that arithmetic without Django, so
models, Celery tasks and reports share one tested implementation.

Conventions:

* Opening hours are local wall-clock times in the calendar's time zone. An
  interval ``(open, close)`` runs from the first instant the local clock
  reaches ``open`` to the first instant it reaches ``close`` (``None`` means
  the following midnight). A DST day therefore contributes the time that
  really elapses; a wall time skipped by a forward jump resolves to the
  instant of the jump, and a repeated wall time to its first occurrence.
* Every datetime passed in must be timezone-aware; results are in UTC.
* ``add_business_time(start, timedelta(0))`` returns ``start`` even when the
  calendar is closed. A deadline landing exactly on a closing instant stays
  at that instant; it is not moved to the next opening.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Interval = tuple[time, time | None]
Span = tuple[datetime, datetime]

_ZERO = timedelta(0)
_SECOND = timedelta(seconds=1)
_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)
_MIDNIGHT = time(0)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class BusinessCalendar:
    """Weekly opening hours (0=Monday..6=Sunday) and holidays in an IANA zone.

    ``weekly`` is copied into a read-only mapping of sorted tuples at
    construction; it takes no part in hashing.
    """

    tz: str
    weekly: Mapping[int, Sequence[Interval]] = field(hash=False)
    holidays: frozenset[date] = frozenset()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _week_total: timedelta = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            zone = ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"unknown time zone {self.tz!r}") from exc
        weekly = {day: _checked(day, ivs) for day, ivs in self.weekly.items()}
        total = sum((_length(*iv) for ivs in weekly.values() for iv in ivs), _ZERO)
        object.__setattr__(self, "weekly", MappingProxyType(weekly))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(self, "_week_total", total)

    @classmethod
    def always_open(cls, tz: str = "UTC") -> BusinessCalendar:
        """Return a calendar open around the clock, every day."""
        return cls(tz, {day: [(_MIDNIGHT, None)] for day in range(7)})

    def is_open(self, at: datetime) -> bool:
        """Return whether the calendar is open at ``at`` (closing instants are not)."""
        moment = _utc(at, "at")
        return any(start <= moment < end for start, end in self._spans_around(moment))

    def _spans_around(self, moment: datetime) -> Iterator[Span]:
        day = self._local_date(moment)
        for offset in (-_DAY, _ZERO, _DAY):
            yield from self._spans(day + offset)

    def _local_date(self, moment: datetime) -> date:
        return moment.astimezone(self._zone).date()

    def _spans(self, day: date) -> list[Span]:
        """Return the non-empty UTC spans during which ``day`` is open."""
        if day in self.holidays:
            return []
        spans = []
        for opens, closes in self.weekly.get(day.weekday(), ()):
            start = self._resolve(day, opens)
            if closes is None:
                end = self._resolve(day + _DAY, _MIDNIGHT)
            else:
                end = self._resolve(day, closes)
            if start < end:
                spans.append((start, end))
        return spans

    def _resolve(self, day: date, wall: time) -> datetime:
        """Return the first UTC instant at which the local clock reaches ``wall``."""
        return _resolved(self.tz, day, wall)

    def _uniform_week(self, first: date) -> bool:
        """Return whether the 7 days from ``first`` are open for the nominal total.

        True when no day is a holiday and the UTC offset is the same at all
        eight midnights (zones do not change offset and back within a day).
        """
        if self.holidays and any(first + n * _DAY in self.holidays for n in range(7)):
            return False
        return _steady_week(self.tz, first)


# What a zone's clock does on a day is the same for every calendar and every
# call: the due labels of one inbox page resolved the same midnights and
# openings thousands of times (30-43 ms a page at 1M cases), so they are
# kept, per zone and day, for the life of the process.
RESOLVED_KEPT = 65_536


@lru_cache(maxsize=RESOLVED_KEPT)
def _resolved(tz: str, day: date, wall: time) -> datetime:
    """The first UTC instant at which the clock of zone ``tz`` reaches ``wall``."""
    zone = ZoneInfo(tz)
    local = datetime.combine(day, wall, tzinfo=zone)
    before, after = local.utcoffset(), local.replace(fold=1).utcoffset()
    assert before is not None and after is not None
    if before >= after:  # an ordinary or a repeated wall time
        return local.astimezone(UTC)
    # Skipped by a forward jump: bisect for the jump, in whole seconds.
    naive = local.replace(tzinfo=None) - _EPOCH.replace(tzinfo=None)
    low = (naive - after) // _SECOND
    high = -((before - naive) // _SECOND)
    while high - low > 1:
        mid = (low + high) // 2
        if (_EPOCH + mid * _SECOND).astimezone(zone).utcoffset() == after:
            high = mid
        else:
            low = mid
    return _EPOCH + high * _SECOND


@lru_cache(maxsize=RESOLVED_KEPT)
def _steady_week(tz: str, first: date) -> bool:
    """Whether zone ``tz`` keeps one UTC offset at the eight midnights from ``first``."""
    zone = ZoneInfo(tz)
    days = [first + n * _DAY for n in range(8)]
    return len({datetime.combine(d, _MIDNIGHT, zone).utcoffset() for d in days}) == 1


def add_business_time(
    start: datetime, duration: timedelta, cal: BusinessCalendar
) -> datetime:
    """Return the earliest instant by which ``duration`` of open time has elapsed.

    Zero returns ``start`` (in UTC) even when closed; a result landing on a
    closing instant stays there. Raise ValueError for a negative duration or,
    when ``duration`` is positive, for a calendar with no opening hours.
    """
    cursor = _utc(start, "start")
    if duration < _ZERO:
        raise ValueError("duration must not be negative")
    if not duration:
        return cursor
    if not cal._week_total:
        raise ValueError("calendar has no opening hours")
    remaining = duration
    day = cal._local_date(cursor) - _DAY
    while True:
        if (
            remaining > cal._week_total
            and cal._resolve(day, _MIDNIGHT) >= cursor
            and cal._uniform_week(day)
        ):
            remaining -= cal._week_total
            day += _WEEK
            continue
        for opens, closes in cal._spans(day):
            opens = max(opens, cursor)
            if closes <= opens:
                continue
            if closes - opens >= remaining:
                return opens + remaining
            remaining -= closes - opens
        day += _DAY


def business_time_between(
    start: datetime, end: datetime, cal: BusinessCalendar
) -> timedelta:
    """Return the open time in [start, end], negated when ``end`` < ``start``."""
    low, high = _utc(start, "start"), _utc(end, "end")
    if high < low:
        return -business_time_between(high, low, cal)
    total = _ZERO
    day, last = cal._local_date(low) - _DAY, cal._local_date(high) + _DAY
    while day <= last:
        if (
            day + _WEEK <= last
            and cal._resolve(day, _MIDNIGHT) >= low
            and cal._resolve(day + _WEEK, _MIDNIGHT) <= high
            and cal._uniform_week(day)
        ):
            total += cal._week_total
            day += _WEEK
            continue
        for opens, closes in cal._spans(day):
            total += max(min(closes, high) - max(opens, low), _ZERO)
        day += _DAY
    return total


def next_open(at: datetime, cal: BusinessCalendar) -> datetime:
    """Return ``at`` (in UTC) if open, else the next opening instant."""
    cursor = _utc(at, "at")
    if not cal._week_total:
        raise ValueError("calendar has no opening hours")
    day = cal._local_date(cursor) - _DAY
    while True:
        for opens, closes in cal._spans(day):
            if closes > cursor:
                return max(opens, cursor)
        day += _DAY


def business_day(cal: BusinessCalendar) -> timedelta:
    """Return one business day: the mean opening time of the days the calendar opens.

    Eight hours for a 9-to-5 weekday calendar, 24 hours for one always open.
    Raise ValueError for a calendar with no opening hours.
    """
    open_days = sum(1 for intervals in cal.weekly.values() if intervals)
    if not open_days or not cal._week_total:
        raise ValueError("calendar has no opening hours")
    return cal._week_total / open_days


def _utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")
    return value.astimezone(UTC)


def _length(opens: time, closes: time | None) -> timedelta:
    """Return the nominal (no-DST) length of one interval."""
    end = _DAY if closes is None else _since_midnight(closes)
    return end - _since_midnight(opens)


def _since_midnight(wall: time) -> timedelta:
    return timedelta(
        hours=wall.hour,
        minutes=wall.minute,
        seconds=wall.second,
        microseconds=wall.microsecond,
    )


def _checked(weekday: int, intervals: Sequence[Interval]) -> tuple[Interval, ...]:
    """Validate one weekday's intervals and return them sorted."""
    if weekday not in range(7):
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday!r}")
    checked: list[Interval] = []
    for opens, closes in intervals:
        if not isinstance(opens, time) or not isinstance(closes, time | None):
            raise ValueError(
                f"weekday {weekday}: intervals must be (time, time | None)"
            )
        if opens.tzinfo is not None or (closes is not None and closes.tzinfo):
            raise ValueError(f"weekday {weekday}: opening hours must be naive times")
        if closes is not None and closes <= opens:
            raise ValueError(
                f"weekday {weekday}: interval {opens}-{closes} must close after it opens"
            )
        checked.append((opens, closes))
    checked.sort(key=lambda interval: interval[0])
    for (_, closes), (opens, _) in zip(checked, checked[1:], strict=False):
        if closes is None or opens < closes:
            raise ValueError(f"weekday {weekday}: intervals overlap at {opens}")
    return tuple(checked)
