"""The status page tells the customer, in their words, when we promised to act."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints.services import case_set_awaiting_customer, message_post
from portal import links
from portal.selectors import case_promise
from sla.models import Calendar, Deadline, SlaPolicy, WorkingHours
from tests.factories import CaseFactory

BERLIN = ZoneInfo("Europe/Berlin")
# A Monday at 10:00 in Berlin: four business hours later is 14:00 the same day.
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)


@pytest.fixture
def policy(db):
    calendar = Calendar.objects.create(name="Berlin office", time_zone="Europe/Berlin")
    for weekday in range(5):
        WorkingHours.objects.create(
            calendar=calendar, weekday=weekday, opens=time(9), closes=time(17)
        )
    return SlaPolicy.objects.create(
        name="Normal",
        priority="normal",
        calendar=calendar,
        first_response_minutes=240,
        resolution_minutes=8 * 60 * 3,
    )


@pytest.fixture
def filed(policy, team):
    with time_machine.travel(MONDAY_10, tick=False):
        return CaseFactory.file(team=team)


def page(client, case) -> str:
    return client.get(f"/status/{links.status_token(case)}/").content.decode()


def test_a_new_case_promises_the_first_reply_in_the_calendar_time_zone(client, filed):
    with time_machine.travel(MONDAY_10 + timedelta(minutes=5)):
        promise = case_promise(case=filed)
        body = page(client, filed)
    assert promise.kind == "reply"
    assert promise.due == datetime(2026, 11, 23, 14, 0, tzinfo=BERLIN)
    assert "reply to you by <strong>Monday 23 November, 14:00</strong>" in body
    assert "(Europe/Berlin time)" in body


def test_after_our_first_reply_the_promise_is_the_resolution(client, filed, agent):
    with time_machine.travel(MONDAY_10 + timedelta(minutes=30)):
        message_post(case=filed, body="We're on it.", visibility="customer", by=agent)
        body = page(client, filed)
    due = Deadline.objects.get(case=filed, kind="resolution").due_at.astimezone(BERLIN)
    assert "We aim to have this put right by" in body
    assert f"{due:%A} {due.day} {due:%B}, {due:%H:%M}" in body


def test_an_internal_note_does_not_change_the_promise(client, filed, agent):
    with time_machine.travel(MONDAY_10 + timedelta(minutes=30)):
        message_post(case=filed, body="Hmm.", visibility="internal", by=agent)
        assert case_promise(case=filed).kind == "reply"


def test_waiting_on_the_customer_asks_them_to_write(client, filed, agent):
    case_set_awaiting_customer(case=filed, awaiting=True, by=agent)
    filed.refresh_from_db()
    assert case_promise(case=filed).kind == "waiting"
    assert "waiting to hear back from you" in page(client, filed)


def test_a_missed_promise_is_owned_with_an_apology(client, filed):
    with time_machine.travel(MONDAY_10 + timedelta(days=1)):
        assert case_promise(case=filed).kind == "late"
        assert "taking longer than we said" in page(client, filed)


def test_no_policy_means_no_promise(client, make_case):
    case = make_case("new")
    assert case_promise(case=case) is None
    assert 'class="promise"' not in page(client, case)


def test_resolved_and_closed_cases_make_no_promise(make_case, policy):
    assert case_promise(case=make_case("resolved")) is None
    assert case_promise(case=make_case("closed")) is None
