"""Follow-up reminders and overdue escalation through `process_due --at`."""

# Fixtures are imported from engine_support, so pytest (not ruff) sees them used.
# ruff: noqa: F401, F811

import pytest
from django.core import mail

from followups.services import followup_complete, followup_schedule
from portal.links import read_survey_token
from tests.unit.engine_support import (  # noqa: F401 (fixtures)
    at,
    fast_hasher,
    kinds,
    london,
    notified,
    office,
    policy,
    process_due,
    staff,
)

pytestmark = pytest.mark.django_db

MONDAY = london(2026, 6, 8, 10)


@pytest.fixture
def resolved_case(make_case, staff, policy):
    with at(MONDAY):
        return make_case("resolved")


def schedule(case, user, channel: str, due):
    with at(MONDAY):
        return followup_schedule(case=case, due_at=due, channel=channel, by=user)


def test_phone_follow_up_reminds_its_owner_once_when_due(resolved_case, staff):
    agent = staff["agent"]
    followup = schedule(resolved_case, agent, "phone", london(2026, 6, 9, 10))
    process_due(london(2026, 6, 9, 9, 59))
    assert notified(agent) == 0
    out = process_due(london(2026, 6, 9, 10))
    assert "1 follow-up reminder(s)" in out
    process_due(london(2026, 6, 9, 10, 30))
    assert notified(agent, "followup_due") == 1
    # The customer's earlier mail (the apology) is not the due pass's doing.
    staff_mail = [m for m in mail.outbox if m.to != [resolved_case.customer.email]]
    assert [m.to for m in staff_mail] == [[agent.email]]
    assert "call" in staff_mail[0].body
    followup.refresh_from_db()
    assert followup.reminded_at == london(2026, 6, 9, 10)
    assert "followup_reminder_sent" in kinds(resolved_case)


def test_email_follow_up_sends_the_customer_a_signed_survey_link(resolved_case, staff):
    followup = schedule(resolved_case, staff["agent"], "email", london(2026, 6, 9, 10))
    process_due(london(2026, 6, 9, 10))
    customer_mail = [
        m
        for m in mail.outbox
        if m.to == [resolved_case.customer.email] and "/survey/" in m.body
    ]
    assert len(customer_mail) == 1
    token = customer_mail[0].body.split("/survey/")[1].split("/")[0]
    assert read_survey_token(token) == followup.pk
    # The owner hears of it in-app only.
    assert notified(staff["agent"], "followup_due") == 1
    assert not [m for m in mail.outbox if m.to == [staff["agent"].email]]


def test_overdue_follow_up_escalates_after_one_business_day(resolved_case, staff):
    schedule(resolved_case, staff["agent"], "phone", london(2026, 6, 12, 15))
    process_due(london(2026, 6, 12, 15))
    # Friday 15:00 + 8 business hours is Monday 15:00.
    process_due(london(2026, 6, 15, 14, 59))
    resolved_case.refresh_from_db()
    assert resolved_case.escalation_level == 0
    out = process_due(london(2026, 6, 15, 15))
    assert "1 overdue follow-up(s)" in out
    resolved_case.refresh_from_db()
    assert resolved_case.escalation_level == 1
    assert notified(staff["lead"], "followup_overdue") == 1
    process_due(london(2026, 6, 20, 15))
    assert notified(staff["lead"], "followup_overdue") == 1
    assert "followup_overdue" in kinds(resolved_case)


def test_completed_follow_up_is_neither_reminded_nor_escalated(resolved_case, staff):
    followup = schedule(resolved_case, staff["agent"], "phone", london(2026, 6, 9, 10))
    with at(london(2026, 6, 9, 9)):
        followup_complete(
            followup=followup, outcome="satisfied", csat=5, by=staff["agent"]
        )
    process_due(london(2026, 6, 20, 10))
    assert notified(staff["agent"]) == 0 and notified(staff["lead"]) == 0


def test_a_pass_long_after_due_reminds_and_escalates_together(resolved_case, staff):
    schedule(resolved_case, staff["agent"], "phone", london(2026, 6, 9, 10))
    out = process_due(london(2026, 6, 22, 10))
    assert "1 follow-up reminder(s), 1 overdue follow-up(s)" in out
    out = process_due(london(2026, 6, 23, 10))
    assert "0 follow-up reminder(s), 0 overdue follow-up(s)" in out
