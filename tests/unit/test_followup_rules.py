"""Follow-ups: proposed inside opening hours, never booked twice, cancelled, surveys honest."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from complaints.actors import Actor
from complaints.exceptions import FollowUpRefused
from complaints.models import Event
from followups.services import (
    followup_cancel,
    followup_complete,
    followup_proposals,
    followup_schedule,
)
from sla.models import Calendar, SlaPolicy, WorkingHours
from sla.services import case_next_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_hours(db):
    """Weekdays 09:00–17:00 in London."""
    calendar = Calendar.objects.create(name="Office", time_zone="Europe/London")
    WorkingHours.objects.bulk_create(
        WorkingHours(calendar=calendar, weekday=d, opens=time(9), closes=time(17))
        for d in range(5)
    )
    return SlaPolicy.objects.create(
        name="Office",
        priority="normal",
        calendar=calendar,
        first_response_minutes=60,
        resolution_minutes=24 * 60,
    )


@time_machine.travel(datetime(2026, 3, 2, 23, 0, tzinfo=UTC), tick=False)
def test_proposals_fall_inside_the_calendars_opening_hours(office_hours, make_case):
    case = make_case("resolved")
    assert case.sla_policy == office_hours
    start = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)  # a Monday, 23:00 in London
    proposals = followup_proposals(
        case=case,
        start=start,
        opening=lambda at: case_next_open(case=case, at=at),
    )
    assert proposals
    for when in proposals:
        local = when.astimezone(ZoneInfo("Europe/London"))
        assert local.weekday() < 5 and time(9) <= local.time() < time(17), local
    assert proposals[0] == datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def test_a_booked_slot_is_no_longer_offered_and_cannot_be_booked_twice(
    make_case, agent
):
    case = make_case("resolved")
    case.customer.consent_to_contact = True
    case.customer.save()
    first = followup_proposals(case=case)[0]
    followup_schedule(case=case, due_at=first, channel="phone", by=agent)
    assert first not in followup_proposals(case=case)
    with pytest.raises(FollowUpRefused) as refused:
        followup_schedule(case=case, due_at=first, channel="email", by=agent)
    assert refused.value.missing == ["a free time"]
    assert case.followups.count() == 1


def test_cancelling_a_follow_up_records_it_and_frees_its_time(make_case, agent):
    case = make_case("following_up")
    followup = case.followups.get()
    cancelled = followup_cancel(followup=followup, by=agent, reason="Customer asked")
    assert cancelled.status == "cancelled" and cancelled.next_check_at is None
    event = Event.objects.filter(case=case).last()
    assert (
        event.kind == "followup_cancelled" and event.data["reason"] == "Customer asked"
    )
    followup_schedule(case=case, due_at=followup.due_at, channel="phone", by=agent)
    with pytest.raises(FollowUpRefused):
        followup_cancel(followup=followup, by=agent)


def email_survey(case, agent, *, due_in: timedelta):
    return followup_schedule(
        case=case, due_at=timezone.now() + due_in, channel="email", by=agent
    )


def test_staff_cannot_record_a_survey_satisfied_before_it_is_due(make_case, agent):
    case = make_case("following_up")
    survey = email_survey(case, agent, due_in=timedelta(days=7))
    with pytest.raises(FollowUpRefused) as refused:
        followup_complete(followup=survey, outcome="satisfied", note="Sure", by=agent)
    assert refused.value.missing == ["survey due"]


def test_after_it_is_due_staff_record_a_survey_only_with_a_reason(make_case, agent):
    case = make_case("following_up")
    survey = email_survey(case, agent, due_in=timedelta(minutes=1))
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        with pytest.raises(FollowUpRefused) as refused:
            followup_complete(followup=survey, outcome="satisfied", by=agent)
        assert refused.value.missing == ["note"]
        done = followup_complete(
            followup=survey, outcome="satisfied", note="She phoned us", by=agent
        )
    assert done.status == "done"


def test_the_customer_answers_a_survey_any_time(make_case, agent):
    case = make_case("following_up")
    survey = email_survey(case, agent, due_in=timedelta(days=7))
    done = followup_complete(
        followup=survey, outcome="satisfied", csat=5, by=Actor.customer()
    )
    assert done.status == "done"
