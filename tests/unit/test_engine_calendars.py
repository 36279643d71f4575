"""Seeding public holidays into business calendars, by command and admin action."""

# Fixtures are imported from engine_support, so pytest (not ruff) sees them used.
# ruff: noqa: F401, F811

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sla.businesstime import add_business_time
from sla.services import calendar_spec
from tests.unit.engine_support import london, office  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_command_seeds_english_bank_holidays_once(office):
    out = StringIO()
    args = ["Office", "--country", "GB", "--subdivision", "ENG", "--years", "2026"]
    call_command("seed_holidays", *args, stdout=out)
    assert "holiday(s) added" in out.getvalue()
    assert office.holidays.filter(date=date(2026, 12, 25)).exists()
    assert office.holidays.filter(date=date(2026, 8, 31)).exists()  # England only
    seeded = office.holidays.count()
    assert seeded >= 8
    call_command("seed_holidays", *args, stdout=out)
    assert office.holidays.count() == seeded


def test_seeded_holiday_moves_a_deadline(office):
    call_command("seed_holidays", "Office", "--country", "GB", "--years", "2026")
    # Friday 1 May 16:00 + 2 business hours skips the early May bank holiday.
    due = add_business_time(
        london(2026, 5, 1, 16),
        timedelta(hours=2),
        calendar_spec(office),
    )
    assert due == london(2026, 5, 5, 10)


def test_unknown_country_is_a_command_error(office):
    with pytest.raises(CommandError, match="No holiday data"):
        call_command("seed_holidays", "Office", "--country", "XX")
    with pytest.raises(CommandError, match="No calendar"):
        call_command("seed_holidays", "Nowhere", "--country", "GB")


def test_admin_action_uses_the_calendars_country(office, admin_client):
    office.country, office.subdivision = "DE", "BY"
    office.save()
    response = admin_client.post(
        "/admin/sla/calendar/",
        {"action": "seed_holidays", "_selected_action": [office.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert b"holidays added" in response.content
    assert office.holidays.filter(date=date(2026, 1, 6)).exists()  # Bavaria only


def test_a_calendar_without_hours_counts_as_always_open(db):
    from sla.models import Calendar

    empty = Calendar.objects.create(name="Empty", time_zone="Europe/London")
    start = london(2026, 6, 6, 12)  # a Saturday
    due = add_business_time(start, timedelta(hours=2), calendar_spec(empty))
    assert due == london(2026, 6, 6, 14)


def test_one_business_day_is_the_mean_opening_time_of_open_days():
    from datetime import time

    from sla.businesstime import BusinessCalendar, business_day

    office = BusinessCalendar("UTC", {d: [(time(9), time(17))] for d in range(5)})
    assert business_day(office) == timedelta(hours=8)
    assert business_day(BusinessCalendar.always_open()) == timedelta(hours=24)
    short_friday = BusinessCalendar(
        "UTC",
        {**{d: [(time(9), time(17))] for d in range(4)}, 4: [(time(9), time(13))]},
    )
    assert business_day(short_friday) == timedelta(hours=7, minutes=12)
    with pytest.raises(ValueError):
        business_day(BusinessCalendar("UTC", {}))
