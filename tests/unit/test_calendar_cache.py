"""Filing reads a calendar from an in-process cache that calendar edits clear."""

from datetime import UTC, datetime, time

import pytest
import time_machine

from complaints.actors import Actor
from complaints.services import case_file
from sla.models import Calendar, DeadlineKind, SlaPolicy, WorkingHours
from sla.services import calendar_spec_by_id
from tests.factories import CustomerFactory

MONDAY_9 = datetime(2026, 6, 8, 9, 0, tzinfo=UTC)


def _file():
    with time_machine.travel(MONDAY_9, tick=False):
        case = case_file(
            customer=CustomerFactory(),
            subject="Late",
            description="Late",
            by=Actor.system("test"),
        )
    return case.deadlines.get(kind=DeadlineKind.FIRST_RESPONSE).due_at


@pytest.mark.django_db
def test_an_edit_to_opening_hours_reaches_the_next_filing():
    calendar = Calendar.objects.create(name="Office", time_zone="UTC")
    hours = WorkingHours.objects.create(
        calendar=calendar, weekday=0, opens=time(9), closes=time(10)
    )
    SlaPolicy.objects.create(
        name="Normal",
        priority="normal",
        calendar=calendar,
        first_response_minutes=120,
        resolution_minutes=600,
    )
    # One hour on Monday, then the next Monday: the week has one open hour.
    assert _file() == datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
    hours.closes = time(17)
    hours.save()
    assert _file() == datetime(2026, 6, 8, 11, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_a_cached_calendar_is_read_once(django_assert_num_queries):
    calendar = Calendar.objects.create(name="Office", time_zone="UTC")
    WorkingHours.objects.create(
        calendar=calendar, weekday=0, opens=time(9), closes=time(17)
    )
    with django_assert_num_queries(3):  # calendar, hours, holidays
        first = calendar_spec_by_id(calendar.pk)
    with django_assert_num_queries(0):
        assert calendar_spec_by_id(calendar.pk) is first
