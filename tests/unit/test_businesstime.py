"""Tests for sla.businesstime: business-time arithmetic behind SLA deadlines."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

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
    H,
    london,
    reference_add,
    utc,
)

# --- concrete examples -------------------------------------------------------


def test_friday_afternoon_plus_two_hours_is_monday_ten():
    result = add_business_time(london(2024, 6, 7, 16), 2 * H, OFFICE)
    assert result == london(2024, 6, 10, 10)
    assert result.tzinfo is UTC


def test_holiday_monday_pushes_deadline_to_tuesday():
    cal = BusinessCalendar(OFFICE.tz, OFFICE.weekly, frozenset({date(2024, 6, 10)}))
    assert add_business_time(london(2024, 6, 7, 16), 2 * H, cal) == london(
        2024, 6, 11, 10
    )


def test_start_on_saturday_counts_from_monday_opening():
    assert add_business_time(london(2024, 6, 8, 12), 3 * H, OFFICE) == london(
        2024, 6, 10, 12
    )


def test_zero_duration_returns_start_even_when_closed():
    start = london(2024, 6, 8, 3, 17)
    result = add_business_time(start, timedelta(0), OFFICE)
    assert result == start and result.tzinfo is UTC
    assert not OFFICE.is_open(result)


def test_deadline_on_closing_instant_stays_at_close():
    assert add_business_time(london(2024, 6, 10, 9), 8 * H, OFFICE) == london(
        2024, 6, 10, 17
    )
    assert add_business_time(london(2024, 6, 10, 9), 3.5 * H, LUNCH) == london(
        2024, 6, 10, 12, 30
    )


def test_lunch_break_is_skipped():
    assert add_business_time(london(2024, 6, 10, 12), H, LUNCH) == london(
        2024, 6, 10, 14
    )
    assert business_time_between(london(2024, 6, 10), london(2024, 6, 11), LUNCH) == (
        7.5 * H
    )


def test_march_clock_change_keeps_local_opening_hours():
    start = london(2024, 3, 29, 16)  # Friday, GMT; clocks go forward on Sunday
    result = add_business_time(start, 2 * H, OFFICE)
    assert result == utc(2024, 4, 1, 9)  # Monday 10:00 BST
    assert business_time_between(start, result, OFFICE) == 2 * H


def test_october_clock_change_keeps_local_opening_hours():
    start = london(2024, 10, 25, 16)  # Friday, BST; clocks go back on Sunday
    assert add_business_time(start, 2 * H, OFFICE) == utc(2024, 10, 28, 10)


def test_dst_days_contribute_the_time_that_really_elapses():
    night = {6: [(time(0), time(4))]}  # Sunday 00:00-04:00 local
    cal = BusinessCalendar("Europe/London", night)
    assert business_time_between(london(2024, 3, 30), london(2024, 4, 1), cal) == 3 * H
    assert business_time_between(london(2024, 10, 26), london(2024, 10, 28), cal) == (
        5 * H
    )
    day = BusinessCalendar.always_open("Europe/London")
    assert business_time_between(london(2024, 3, 31), london(2024, 4, 1), day) == 23 * H
    assert business_time_between(london(2024, 10, 27), london(2024, 10, 28), day) == (
        25 * H
    )


def test_repeated_wall_time_resolves_to_its_first_occurrence():
    # 01:30 happens twice on 2024-10-27: at 00:30 UTC (BST), then 01:30 UTC.
    cal = BusinessCalendar("Europe/London", {6: [(time(1, 30), time(3))]})
    assert next_open(london(2024, 10, 26, 12), cal) == utc(2024, 10, 27, 0, 30)
    assert business_time_between(london(2024, 10, 26), london(2024, 10, 28), cal) == (
        2.5 * H
    )


def test_whole_sunday_on_spring_forward_closes_at_local_midnight():
    cal = BusinessCalendar("Europe/London", {6: [(time(0), None)]})
    result = add_business_time(london(2024, 3, 30, 12), 23 * H, cal)
    assert result == london(2024, 4, 1, 0) == utc(2024, 3, 31, 23)


def test_opening_time_skipped_by_forward_jump_opens_at_the_jump():
    # Sao Paulo jumped from 00:00 -03 to 01:00 -02 on Sunday 2018-11-04.
    cal = BusinessCalendar("America/Sao_Paulo", {6: [(time(0), time(2))]})
    sunday = datetime(2018, 11, 3, 12, tzinfo=ZoneInfo("America/Sao_Paulo"))
    assert next_open(sunday, cal) == utc(2018, 11, 4, 3)
    assert add_business_time(sunday, H, cal) == utc(2018, 11, 4, 4)
    # The following Sunday is a normal two hours, from 00:00 -02.
    assert add_business_time(sunday, 2 * H, cal) == utc(2018, 11, 11, 3)


def test_local_date_that_never_happened_contributes_nothing():
    # Samoa skipped Friday 2011-12-30 when it moved across the date line.
    apia = ZoneInfo("Pacific/Apia")
    cal = BusinessCalendar("Pacific/Apia", {4: [(time(9), time(17))]})
    result = add_business_time(datetime(2011, 12, 29, 12, tzinfo=apia), H, cal)
    assert result == datetime(2012, 1, 6, 10, tzinfo=apia)


def test_always_open_calendar_is_plain_addition_across_dst():
    cal = BusinessCalendar.always_open("Europe/London")
    start = london(2024, 2, 1, 8, 30)
    # Aware arithmetic on a ZoneInfo datetime is wall-clock; compare in UTC.
    for hours in (1, 24 * 100, 24 * 365 + 5):
        assert (
            add_business_time(start, hours * H, cal)
            == start.astimezone(UTC) + hours * H
        )


def test_is_open_and_next_open():
    assert OFFICE.is_open(london(2024, 6, 10, 9))
    assert not OFFICE.is_open(london(2024, 6, 10, 17))
    assert next_open(london(2024, 6, 10, 10), OFFICE) == london(2024, 6, 10, 10)
    assert next_open(london(2024, 6, 7, 17), OFFICE) == london(2024, 6, 10, 9)


def test_business_time_between_is_negative_when_reversed():
    a, b = london(2024, 6, 7, 16), london(2024, 6, 10, 10)
    assert business_time_between(b, a, OFFICE) == -2 * H


def test_naive_datetimes_are_rejected():
    naive = datetime(2024, 6, 10, 9)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_time(naive, H, OFFICE)
    with pytest.raises(ValueError, match="timezone-aware"):
        business_time_between(london(2024, 6, 10), naive, OFFICE)
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.is_open(naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_open(naive, OFFICE)


def test_negative_duration_is_rejected():
    with pytest.raises(ValueError, match="negative"):
        add_business_time(london(2024, 6, 10), -H, OFFICE)


def test_calendar_without_hours_raises_instead_of_looping():
    closed = BusinessCalendar("UTC", {0: []})
    with pytest.raises(ValueError, match="calendar has no opening hours"):
        add_business_time(utc(2024, 1, 1), H, closed)
    with pytest.raises(ValueError, match="calendar has no opening hours"):
        next_open(utc(2024, 1, 1), closed)
    assert add_business_time(utc(2024, 1, 1), timedelta(0), closed) == utc(2024, 1, 1)
    assert business_time_between(utc(2024, 1, 1), utc(2025, 1, 1), closed) == (
        timedelta(0)
    )


@pytest.mark.parametrize(
    ("weekly", "message"),
    [
        ({7: [(time(9), time(17))]}, "weekday must be 0"),
        ({0: [(time(17), time(9))]}, "must close after it opens"),
        ({0: [(time(9), time(9))]}, "must close after it opens"),
        ({0: [(time(9), time(13)), (time(12), time(17))]}, "overlap"),
        ({0: [(time(9), None), (time(12), time(17))]}, "overlap"),
        ({0: [("09:00", "17:00")]}, "must be"),
        ({0: [(time(9, tzinfo=UTC), time(17))]}, "naive"),
    ],
)
def test_invalid_opening_hours_are_rejected(weekly, message):
    with pytest.raises(ValueError, match=message):
        BusinessCalendar("UTC", weekly)


def test_unknown_time_zone_is_rejected():
    with pytest.raises(ValueError, match="unknown time zone"):
        BusinessCalendar("Mars/Olympus_Mons", {})


def test_touching_intervals_are_allowed_and_calendar_is_hashable():
    cal = BusinessCalendar("UTC", {0: [(time(12), None), (time(9), time(12))]})
    assert cal.weekly[0][0] == (time(9), time(12))
    assert hash(cal) == hash(BusinessCalendar("UTC", dict(cal.weekly)))
    assert add_business_time(utc(2024, 1, 1, 11), 2 * H, cal) == utc(2024, 1, 1, 13)


# --- long durations and a slow reference ---------------------------------------


def test_matches_minute_reference_over_dst_and_holidays():
    cal = BusinessCalendar(
        "Europe/London", LUNCH.weekly, frozenset({date(2024, 3, 29), date(2024, 4, 1)})
    )
    start = london(2024, 3, 11, 10, 17)
    duration = 200 * H + timedelta(minutes=13)
    assert add_business_time(start, duration, cal) == reference_add(
        start, duration, cal
    )


def test_ten_thousand_business_hours_skip_weeks_correctly():
    start = london(2024, 1, 1, 9)  # Monday; 10,000 h is exactly 250 weeks of 40 h
    result = add_business_time(start, 10_000 * H, OFFICE)
    friday = date(2024, 1, 1) + timedelta(weeks=249, days=4)
    assert result == datetime.combine(friday, time(17), LONDON)
    holidays = frozenset({date(2025, 12, 25), date(2025, 12, 26), date(2027, 5, 3)})
    cal = BusinessCalendar(OFFICE.tz, OFFICE.weekly, holidays)
    result = add_business_time(start, 10_000 * H, cal)
    wednesday = date(2024, 1, 1) + timedelta(weeks=250, days=2)
    assert result == datetime.combine(wednesday, time(17), LONDON)
    assert business_time_between(start, result, cal) == 10_000 * H


def test_calendars_of_one_zone_share_its_clock_but_not_their_holidays():
    # The zone's midnights and openings are kept per zone and day (the due
    # labels of a page resolved them thousands of times); the holidays are
    # each calendar's own, so a week skipped whole for one is not for another.
    from sla.businesstime import _resolved, _steady_week

    _resolved.cache_clear()
    _steady_week.cache_clear()
    start, end = london(2025, 12, 1, 9), london(2026, 1, 12, 9)
    plain = business_time_between(start, end, OFFICE)
    assert _resolved.cache_info().hits > 0 and _steady_week.cache_info().currsize
    christmas = BusinessCalendar(
        OFFICE.tz, OFFICE.weekly, frozenset({date(2025, 12, 25), date(2025, 12, 26)})
    )
    assert business_time_between(start, end, christmas) == plain - 16 * H
    assert business_time_between(start, end, OFFICE) == plain
    # A wall time skipped by the spring jump, resolved cold and kept.
    spring = BusinessCalendar("Europe/London", {6: [(time(1, 30), time(3))]})
    cold = next_open(utc(2024, 3, 31, 0), spring)
    assert cold == next_open(utc(2024, 3, 31, 0), spring) == utc(2024, 3, 31, 1)
