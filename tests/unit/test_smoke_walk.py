"""The method end to end: one complaint from filing to a satisfied close.

Each step goes through the service a user would cause; the timeline must tell
the whole story in order, and the SLA clocks must agree with it.
"""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from complaints import lifecycle
from complaints.actors import Actor
from complaints.models import STAGE_ORDER, Case
from complaints.services import case_assign, case_file, message_post
from customers.services import customer_match_or_create
from followups.services import followup_complete, followup_schedule
from sla.models import Calendar, Deadline, SlaPolicy

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("stage", STAGE_ORDER)
def test_a_case_can_be_walked_to_every_stage(make_case, stage):
    case = make_case(stage)
    assert case.stage == stage
    assert case.events.filter(kind="stage_changed").count() == STAGE_ORDER.index(stage)


def test_one_complaint_from_filing_to_a_satisfied_close(team, agent, lead):
    calendar = Calendar.objects.create(name="Office", time_zone="UTC")
    for day in range(7):
        calendar.hours.create(weekday=day, opens=time(0), closes=time(23, 59))
    SlaPolicy.objects.create(
        name="Normal",
        priority="normal",
        calendar=calendar,
        first_response_minutes=60,
        resolution_minutes=600,
    )
    customer, created = customer_match_or_create(
        email="Jo@Example.com",
        name="Jo Bloggs",
        external_ref="shop-1",
        by=Actor.system("tests"),
    )
    assert created
    customer.consent_to_contact = True
    customer.save()

    case = case_file(
        customer=customer,
        subject="Toaster burns everything",
        description="Even on setting 1 the bread comes out black.",
        team=team,
        by=Actor.customer(),
    )
    assert Deadline.objects.filter(case=case, met_at__isnull=True).count() == 2
    case = case_assign(case=case, assignee=agent, by=lead)
    case = lifecycle.transition(case, "listening", by=agent)
    message_post(
        case=case,
        body="It happened three mornings running.",
        visibility="customer",
        kind="from_customer",
        by=Actor.customer(),
    )
    case = lifecycle.transition(
        case,
        "acknowledged",
        by=agent,
        customer_account="Black toast on every setting, three days running.",
        restatement="So what you are saying is the toaster cannot make toast.",
        apology="Jo, we are sorry. Will you accept our apology?",
    )
    first = Deadline.objects.get(case=case, kind="first_response")
    assert first.met_at == case.first_response_at is not None

    case = lifecycle.transition(
        case, "resolving", by=agent, desired_outcome="A new one."
    )
    offer = lifecycle.offer_make(case=case, kind="replacement", by=agent)
    lifecycle.offer_accept(offer=offer, by=agent)
    lifecycle.offer_fulfil(offer=offer, by=agent)
    case = lifecycle.transition(
        case, "resolved", by=agent, resolution_summary="Swapped."
    )
    assert Deadline.objects.get(case=case, kind="resolution").met_at is not None

    followup = followup_schedule(
        case=case, due_at=timezone.now() + timedelta(days=1), channel="phone", by=agent
    )
    followup_complete(followup=followup, outcome="satisfied", csat=5, by=agent)
    case = lifecycle.transition(case, "closed", by=agent, close_reason="satisfied")

    case = Case.objects.get(pk=case.pk)
    assert (case.stage, case.close_reason, case.skipped_steps) == (
        "closed",
        "satisfied",
        0,
    )
    assert list(case.events.values_list("kind", "actor_label")) == [
        ("case_filed", "customer"),
        ("assigned", lead.username),
        ("stage_changed", agent.username),
        ("message_added", "customer"),
        ("message_added", agent.username),
        ("case_edited", agent.username),
        ("stage_changed", agent.username),
        ("case_edited", agent.username),
        ("stage_changed", agent.username),
        ("offer_made", agent.username),
        ("offer_accepted", agent.username),
        ("offer_fulfilled", agent.username),
        ("stage_changed", agent.username),
        ("followup_scheduled", agent.username),
        ("stage_changed", agent.username),
        ("followup_completed", agent.username),
        ("stage_changed", agent.username),
        # Closing ends the customer's old status links (a fresh one is emailed).
        ("links_revoked", agent.username),
    ]
    stages = case.events.filter(kind="stage_changed").values_list("after", flat=True)
    assert list(stages) == list(STAGE_ORDER[1:])
