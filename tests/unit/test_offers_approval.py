"""Offers above the policy limit wait for a lead's or manager's approval (CONTRACT §5).

Redress lets the team lead of the case's team approve too (see test_offers.py).
An above-limit offer made by such a lead or a manager is approved at once only
with OFFER_SELF_APPROVAL on; by default it waits for someone else
(test_offers_maker_checker.py).
"""

import pytest

from complaints import lifecycle
from complaints.actors import Actor
from complaints.exceptions import OfferRefused
from complaints.models import OfferStatus
from tests.factories import StaffFactory
from tests.unit.offer_support import move, offer_in

pytestmark = pytest.mark.django_db
S = OfferStatus


@pytest.mark.parametrize(
    ("amount", "status"),
    [("100.00", S.PROPOSED), ("100.01", S.PENDING_APPROVAL)],
)
def test_an_agents_offer_above_the_limit_waits_for_approval(
    resolving, agent, amount, status
):
    offer = lifecycle.offer_make(
        case=resolving, kind="refund", amount=amount, currency="GBP", by=agent
    )

    assert offer.status == status
    assert offer.needed_approval is (status == S.PENDING_APPROVAL)
    assert offer.approved_by is None


def test_a_limit_binds_only_its_own_kind(resolving, agent):
    offer = lifecycle.offer_make(
        case=resolving, kind="partial_refund", amount="900", currency="GBP", by=agent
    )

    assert offer.status == S.PROPOSED


def test_an_amount_in_a_currency_without_a_limit_of_its_own_waits_for_approval(
    resolving, agent
):
    """A GBP limit must not be dodged by offering dollars."""
    offer = lifecycle.offer_make(
        case=resolving, kind="refund", amount="5000", currency="USD", by=agent
    )

    assert (offer.status, offer.needed_approval) == (S.PENDING_APPROVAL, True)


@pytest.mark.parametrize("who", ["agent", "system"])
def test_an_agent_or_the_system_cannot_approve_or_reject(resolving, agent, lead, who):
    offer = offer_in(S.PENDING_APPROVAL, resolving, agent, lead)
    actor = agent if who == "agent" else Actor.system("test")

    for name in ("approve", "reject"):
        with pytest.raises(OfferRefused) as caught:
            move(offer, name, actor)
        assert caught.value.missing == ["approver"]
    offer.refresh_from_db()
    assert offer.status == S.PENDING_APPROVAL


@pytest.mark.parametrize("who", ["lead", "manager"])
def test_a_lead_of_the_team_or_a_manager_approves(resolving, agent, lead, manager, who):
    approver = {"lead": lead, "manager": manager}[who]
    offer = offer_in(S.PENDING_APPROVAL, resolving, agent, lead)

    offer = lifecycle.offer_approve(offer=offer, by=approver)

    assert (offer.status, offer.approved_by) == (S.PROPOSED, approver)


def test_a_lead_of_another_team_cannot_approve(resolving, agent, lead, other_team):
    outsider = StaffFactory(role="team_lead", teams=[other_team])
    offer = offer_in(S.PENDING_APPROVAL, resolving, agent, lead)

    for name in ("approve", "reject"):
        with pytest.raises(OfferRefused) as caught:
            move(offer, name, outsider)
        assert caught.value.missing == ["approver"]


@pytest.mark.parametrize("who", ["lead", "manager"])
def test_with_self_approval_a_leads_or_managers_own_offer_is_approved_at_once(
    resolving, lead, manager, who, settings
):
    settings.OFFER_SELF_APPROVAL = True
    maker = {"lead": lead, "manager": manager}[who]

    offer = lifecycle.offer_make(
        case=resolving, kind="refund", amount="750", currency="GBP", by=maker
    )

    assert (offer.status, offer.needed_approval, offer.approved_by) == (
        S.PROPOSED,
        True,
        maker,
    )


def test_a_lead_of_another_team_making_an_offer_above_the_limit_still_waits(
    resolving, other_team
):
    outsider = StaffFactory(role="team_lead", teams=[other_team])

    offer = lifecycle.offer_make(
        case=resolving, kind="refund", amount="750", currency="GBP", by=outsider
    )

    assert (offer.status, offer.approved_by) == (S.PENDING_APPROVAL, None)


def test_an_approved_offer_records_who_approved_it(resolving, agent, lead):
    offer = offer_in(S.PENDING_APPROVAL, resolving, agent, lead)

    lifecycle.offer_approve(offer=offer, by=lead)

    event = resolving.events.last()
    assert (event.kind, event.actor, event.before, event.after) == (
        "offer_approved",
        lead,
        S.PENDING_APPROVAL,
        S.PROPOSED,
    )
