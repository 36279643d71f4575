"""Ending a customer relationship (METHOD point 10): one path, through the lifecycle.

`complaints.relationships.customer_end_relationship` closes every open case
with `relationship_ended`; closing one case that way through the lifecycle
ends the relationship the same way.
"""

import pytest

from complaints import lifecycle
from complaints.exceptions import RelationshipEndRefused, TransitionRefused
from complaints.models import Case
from complaints.relationships import customer_end_relationship
from customers.models import Customer

pytestmark = pytest.mark.django_db

WHY = "Repeated abuse of staff on the phone."


def stages(customer) -> dict[str, str]:
    return dict(
        Case.objects.filter(customer=customer).values_list("reference", "stage")
    )


def test_ending_is_refused_without_a_reason_or_with_an_accepted_offer_unfulfilled(
    make_case, agent
):
    case = make_case("resolving")
    offer = lifecycle.offer_make(case=case, kind="redo", by=agent)
    lifecycle.offer_accept(offer=offer, by=agent)
    other = make_case("listening", customer=case.customer)

    with pytest.raises(RelationshipEndRefused) as caught:
        customer_end_relationship(customer=case.customer, reason="  ", by=agent)

    assert caught.value.missing == ["reason", "no_unfulfilled_offers"]
    assert f"{case.reference}: redo" in caught.value.detail
    assert caught.value.offers == [f"{case.reference}: redo"]
    assert Customer.objects.get(pk=case.customer_id).relationship_status == "active"
    assert stages(case.customer) == {
        case.reference: "resolving",
        other.reference: "listening",
    }


def test_ending_closes_every_open_case_through_the_lifecycle_and_records_why(
    make_case, agent
):
    first = make_case("listening")
    second = make_case("following_up", customer=first.customer)
    done = make_case("closed", customer=first.customer)
    closed_before = done.events.count()

    customer = customer_end_relationship(customer=first.customer, reason=WHY, by=agent)

    assert customer.relationship_status == "ended"
    assert customer.relationship_ended_reason == WHY
    assert customer.relationship_ended_at is not None
    for case in (first, second):
        case.refresh_from_db()
        assert (case.stage, case.close_reason) == ("closed", "relationship_ended")
        event = case.events.filter(kind="stage_changed").last()
        assert event.data["close_reason"] == "relationship_ended"
        assert event.data["reason"] == WHY
        assert event.actor_label == agent.get_username()
        # The history stays: the case was filed and moved before it closed.
        assert case.events.filter(kind="case_filed").exists()
    second.refresh_from_db()
    assert not second.followups.filter(status="scheduled").exists()
    assert done.events.count() == closed_before  # an already-closed case is left alone


def test_closing_one_case_with_relationship_ended_ends_the_relationship_too(
    make_case, agent
):
    case = make_case("acknowledged")
    other = make_case("new", customer=case.customer)

    lifecycle.transition(
        case, "closed", by=agent, close_reason="relationship_ended", reason=WHY
    )

    customer = Customer.objects.get(pk=case.customer_id)
    assert (customer.relationship_status, customer.relationship_ended_reason) == (
        "ended",
        WHY,
    )
    other.refresh_from_db()
    assert (other.stage, other.close_reason) == ("closed", "relationship_ended")


def test_closing_with_relationship_ended_needs_the_same_prerequisites(make_case, agent):
    case = make_case("resolving")
    offer = lifecycle.offer_make(
        case=case, kind="refund", amount="10", currency="EUR", by=agent
    )
    lifecycle.offer_accept(offer=offer, by=agent)

    with pytest.raises(TransitionRefused) as caught:
        lifecycle.transition(
            case, "closed", by=agent, close_reason="relationship_ended", reason=WHY
        )

    assert caught.value.missing == ["no_unfulfilled_offers"]
    assert Customer.objects.get(pk=case.customer_id).relationship_status == "active"


def test_a_customer_with_nothing_open_ends_at_once(make_case, agent):
    case = make_case("closed")

    customer = customer_end_relationship(customer=case.customer, reason=WHY, by=agent)

    assert customer.relationship_status == "ended"


def test_ending_a_relationship_twice_is_refused(make_case, agent):
    case = make_case("new")
    customer_end_relationship(customer=case.customer, reason=WHY, by=agent)

    with pytest.raises(RelationshipEndRefused) as caught:
        customer_end_relationship(customer=case.customer, reason=WHY, by=agent)

    assert caught.value.missing == ["relationship_active"]
