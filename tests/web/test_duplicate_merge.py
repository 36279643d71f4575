"""Likely duplicates: flagged on filing, shown on the case page, merged in one click."""

import pytest

from complaints.models import EventKind, Message
from complaints.services import message_post
from tests.factories import CaseFactory, CustomerFactory

pytestmark = pytest.mark.django_db

TEXT = "The vase was in pieces when I opened the box from the courier."


@pytest.fixture
def pair(agent, team, django_capture_on_commit_callbacks):
    customer = CustomerFactory()
    first = CaseFactory.file(
        customer=customer, subject="Broken vase", description=TEXT, team=team, by=agent
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = CaseFactory.file(
            customer=customer,
            subject="Fwd: Broken vase",
            description="I wrote already. " + TEXT,
            channel="email",
            team=team,
            by=agent,
        )
    return first, second


def test_a_repeat_complaint_is_flagged_on_filing(pair):
    first, second = pair
    flag = second.events.get(kind=EventKind.DUPLICATE_SUSPECTED)
    assert flag.data["of"] == first.reference


def test_a_different_problem_or_customer_is_not_flagged(
    agent, team, django_capture_on_commit_callbacks
):
    customer = CustomerFactory()
    CaseFactory.file(customer=customer, description=TEXT, team=team, by=agent)
    with django_capture_on_commit_callbacks(execute=True):
        other_problem = CaseFactory.file(
            customer=customer,
            subject="Charged twice",
            description="My card was charged twice for one order.",
            team=team,
            by=agent,
        )
        other_customer = CaseFactory.file(description=TEXT, team=team, by=agent)
    for case in (other_problem, other_customer):
        assert not case.events.filter(kind=EventKind.DUPLICATE_SUSPECTED).exists()


def test_merging_closes_the_newer_case_and_moves_its_messages(
    agent_client, agent, pair
):
    first, second = pair
    note = message_post(
        case=second, body="Called her back", visibility="internal", by=agent
    )
    page = agent_client.get(second.get_absolute_url()).content.decode()
    assert "Likely duplicate" in page and first.reference in page

    response = agent_client.post(
        f"/cases/{second.reference}/merge/", {"other": first.reference}
    )

    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.stage, second.close_reason, second.duplicate_of) == (
        "closed",
        "duplicate",
        first,
    )
    assert Message.objects.get(pk=note.pk).case == first
    assert second.events.filter(kind=EventKind.MESSAGES_MOVED).get().data["to"] == (
        first.reference
    )
    assert first.events.filter(kind=EventKind.MESSAGES_MOVED).get().data["from"] == (
        second.reference
    )
    assert second.events.filter(kind=EventKind.STAGE_CHANGED).exists()


@pytest.mark.parametrize("other", ["", "C-2026-999999", "<b>x</b>", "x" * 30])
def test_merging_with_a_case_that_is_not_there_is_refused(agent_client, pair, other):
    _, second = pair
    response = agent_client.post(f"/cases/{second.reference}/merge/", {"other": other})
    assert response.status_code in (400, 409)
    assert "<b>x</b>" not in response.content.decode()
    second.refresh_from_db()
    assert second.stage != "closed"
