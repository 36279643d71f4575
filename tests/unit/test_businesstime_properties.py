"""Properties of sla.businesstime, checked by hypothesis over random calendars
in zones with odd clocks (half-hour shifts, changes at midnight)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from sla.businesstime import (
    BusinessCalendar,
    add_business_time,
    business_time_between,
    next_open,
)
from tests.unit.businesstime_support import (
    LONDON,
    LUNCH,
    OFFICE,
    reference_add,
    utc,
)

PROPERTY = settings(max_examples=100, derandomize=True, deadline=None, database=None)


# --- properties ----------------------------------------------------------------

ZONES = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "America/Sao_Paulo",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
]


def _quarter(q: int) -> time:
    return time(q // 4, q % 4 * 15)


@st.composite
def calendars(draw):
    weekly = {}
    for weekday in range(7):
        points = sorted(draw(st.sets(st.integers(0, 95), max_size=5)))
        intervals = [
            (_quarter(a), _quarter(b)) for a, b in zip(points[::2], points[1::2])
        ]
        if len(points) % 2:
            intervals.append((_quarter(points[-1]), None))
        weekly[weekday] = intervals
    holidays = draw(st.frozensets(st.dates(date(2019, 1, 1), date(2031, 1, 1))))
    return BusinessCalendar(draw(st.sampled_from(ZONES)), weekly, holidays)


open_calendars = calendars().filter(lambda cal: any(cal.weekly.values()))
# Instants (UTC) at which some zone in ZONES changes its offset.
TRANSITIONS = [
    utc(2024, 3, 31, 1),  # London forward
    utc(2024, 10, 27, 1),  # London back
    utc(2024, 3, 10, 7),  # New York forward
    utc(2024, 11, 3, 6),  # New York back
    utc(2018, 11, 4, 3),  # Sao Paulo forward at local midnight
    utc(2019, 2, 17, 2),  # Sao Paulo back
    utc(2024, 4, 6, 15),  # Lord Howe back by 30 minutes
    utc(2024, 10, 5, 15, 30),  # Lord Howe forward by 30 minutes
]
starts = st.one_of(
    st.datetimes(
        min_value=datetime(2019, 1, 1),
        max_value=datetime(2030, 12, 31),
        timezones=st.sampled_from([UTC, LONDON, ZoneInfo("America/Sao_Paulo")]),
        allow_imaginary=False,
    ),
    st.builds(
        lambda at, shift: at + shift,
        st.sampled_from(TRANSITIONS),
        st.timedeltas(min_value=timedelta(days=-8), max_value=timedelta(days=1)),
    ),
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=15))


@PROPERTY
@given(open_calendars, starts, durations.filter(bool))
def test_deadline_is_never_strictly_inside_closed_hours(cal, start, duration):
    result = add_business_time(start, duration, cal)
    assert cal.is_open(result) or cal.is_open(result - timedelta(microseconds=1))


@PROPERTY
@given(open_calendars, starts, durations, durations)
def test_adding_in_two_steps_equals_adding_the_sum(cal, start, first, second):
    step = add_business_time(start, first, cal)
    assert add_business_time(step, second, cal) == add_business_time(
        start, first + second, cal
    )


@PROPERTY
@given(open_calendars, starts, durations)
def test_business_time_between_inverts_add(cal, start, duration):
    result = add_business_time(start, duration, cal)
    assert result >= start
    assert business_time_between(start, result, cal) == duration


@PROPERTY
@given(open_calendars, starts, durations, durations)
def test_deadline_is_monotonic_in_duration(cal, start, a, b):
    shorter, longer = sorted((a, b))
    assert add_business_time(start, shorter, cal) <= add_business_time(
        start, longer, cal
    )


@PROPERTY
@given(calendars(), starts, starts, starts)
def test_business_time_between_is_additive_and_antisymmetric(cal, a, b, c):
    ab, bc = business_time_between(a, b, cal), business_time_between(b, c, cal)
    assert ab + bc == business_time_between(a, c, cal)
    assert business_time_between(b, a, cal) == -ab
    assert timedelta(0) <= abs(ab) <= abs(b - a)


@PROPERTY
@given(open_calendars, starts)
def test_next_open_is_open_and_skips_no_business_time(cal, at):
    opening = next_open(at, cal)
    assert opening >= at and cal.is_open(opening)
    assert business_time_between(at, opening, cal) == timedelta(0)


@PROPERTY
@given(st.sampled_from(ZONES + ["Pacific/Apia"]), starts, durations)
def test_always_open_calendar_matches_plain_addition(tz, start, duration):
    cal = BusinessCalendar.always_open(tz)
    end = start.astimezone(UTC) + duration
    assert add_business_time(start, duration, cal) == end
    assert business_time_between(start, end, cal) == duration


@settings(max_examples=30, derandomize=True, deadline=None, database=None)
@given(
    st.sampled_from([OFFICE, LUNCH]),
    starts.map(lambda t: t.replace(second=0, microsecond=0)),
    st.integers(0, 20 * 60).map(lambda m: timedelta(minutes=m)),
)
def test_matches_minute_reference_for_short_durations(cal, start, duration):
    assert add_business_time(start, duration, cal) == reference_add(
        start, duration, cal
    )
