"""Maker–checker: an above-limit offer is never approved by its own maker.

With `OFFER_SELF_APPROVAL` off (the default) a lead's or manager's offer above
the limit waits in `pending_approval` like anyone else's, and only another lead
of the case's team or a manager may approve it. Turned on, an approver's own
offer is approved at once (see test_offers_approval.py).
"""

import pytest

from complaints import lifecycle
from complaints.exceptions import OfferRefused
from complaints.models import OfferStatus
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
S = OfferStatus


def above_limit_offer(case, maker):
    return lifecycle.offer_make(
        case=case, kind="refund", amount="750", currency="GBP", by=maker
    )


@pytest.mark.parametrize("who", ["lead", "manager"])
def test_an_approvers_own_offer_above_the_limit_waits(resolving, lead, manager, who):
    maker = {"lead": lead, "manager": manager}[who]

    offer = above_limit_offer(resolving, maker)

    assert (offer.status, offer.needed_approval, offer.approved_by) == (
        S.PENDING_APPROVAL,
        True,
        None,
    )


@pytest.mark.parametrize("who", ["lead", "manager"])
def test_the_maker_can_never_approve_their_own_offer(resolving, lead, manager, who):
    maker = {"lead": lead, "manager": manager}[who]
    offer = above_limit_offer(resolving, maker)

    with pytest.raises(OfferRefused) as caught:
        lifecycle.offer_approve(offer=offer, by=maker)

    assert caught.value.missing == ["approver other than the maker"]
    offer.refresh_from_db()
    assert offer.status == S.PENDING_APPROVAL
    assert not resolving.events.filter(kind="offer_approved").exists()


def test_another_lead_of_the_team_approves_a_leads_offer(resolving, lead, team):
    second = StaffFactory(role="team_lead", teams=[team])
    offer = above_limit_offer(resolving, lead)

    offer = lifecycle.offer_approve(offer=offer, by=second)

    assert (offer.status, offer.approved_by) == (S.PROPOSED, second)


def test_a_manager_approves_a_leads_offer(resolving, lead, manager):
    offer = above_limit_offer(resolving, lead)

    offer = lifecycle.offer_approve(offer=offer, by=manager)

    assert (offer.status, offer.approved_by) == (S.PROPOSED, manager)


def test_the_maker_may_still_reject_or_withdraw_their_own_offer(resolving, lead):
    offer = above_limit_offer(resolving, lead)

    offer = lifecycle.offer_reject(offer=offer, by=lead, reason="Too generous")

    assert offer.status == S.REJECTED


def test_with_self_approval_on_an_approvers_offer_is_approved_at_once(
    resolving, lead, settings
):
    settings.OFFER_SELF_APPROVAL = True

    offer = above_limit_offer(resolving, lead)

    assert (offer.status, offer.approved_by) == (S.PROPOSED, lead)


def test_with_self_approval_on_the_maker_may_approve_a_waiting_offer(
    resolving, lead, settings
):
    offer = above_limit_offer(resolving, lead)
    settings.OFFER_SELF_APPROVAL = True

    offer = lifecycle.offer_approve(offer=offer, by=lead)

    assert (offer.status, offer.approved_by) == (S.PROPOSED, lead)


def test_an_offer_within_the_limit_needs_nobody(resolving, lead):
    offer = lifecycle.offer_make(
        case=resolving, kind="refund", amount="50", currency="GBP", by=lead
    )

    assert (offer.status, offer.needed_approval) == (S.PROPOSED, False)
