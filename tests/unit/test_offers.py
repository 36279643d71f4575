"""Offers (CONTRACT §5): every move from every status, money, approval above limits.

Approval: CONTRACT §5 names a manager; Redress lets the team lead of the
case's team approve too, because the lead owns escalation level 1 and the
method asks only that bending policy be "a decision someone owns". So an
above-limit offer made by such a lead or by a manager is approved at once
(`needed_approval` stays true and `approved_by` names them); one made by an
agent, a service client or the system waits in `pending_approval`.
"""

from decimal import Decimal

import pytest

from complaints import lifecycle
from complaints.exceptions import OfferRefused
from complaints.models import Case, Offer, OfferLimit, OfferStatus
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

S = OfferStatus
MOVES = ["approve", "reject", "accept", "decline", "counter", "withdraw", "fulfil"]
ALLOWED = {
    (S.PENDING_APPROVAL, "approve"): S.PROPOSED,
    (S.PENDING_APPROVAL, "reject"): S.REJECTED,
    (S.PENDING_APPROVAL, "withdraw"): S.WITHDRAWN,
    (S.PROPOSED, "accept"): S.ACCEPTED,
    (S.PROPOSED, "decline"): S.DECLINED,
    (S.PROPOSED, "counter"): S.COUNTERED,
    (S.PROPOSED, "withdraw"): S.WITHDRAWN,
    (S.COUNTERED, "withdraw"): S.WITHDRAWN,
    (S.ACCEPTED, "fulfil"): S.FULFILLED,
}
# How to reach each status from a fresh offer: (amount, moves by agent/lead).
ROUTES = {
    S.PENDING_APPROVAL: ("500.00", []),
    S.PROPOSED: ("50.00", []),
    S.ACCEPTED: ("50.00", ["accept"]),
    S.DECLINED: ("50.00", ["decline"]),
    S.COUNTERED: ("50.00", ["counter"]),
    S.WITHDRAWN: ("50.00", ["withdraw"]),
    S.REJECTED: ("500.00", ["reject"]),
    S.FULFILLED: ("50.00", ["accept", "fulfil"]),
}


@pytest.fixture
def limits(db):
    OfferLimit.objects.create(kind="refund", currency="GBP", max_amount="100.00")
    OfferLimit.objects.create(kind="credit", currency="GBP", max_amount="40.00")


@pytest.fixture
def resolving(make_case, limits):
    return make_case("resolving")


def move(offer, name, by):
    extra = (
        {"counter_request": "Double the refund, please."} if name == "counter" else {}
    )
    return getattr(lifecycle, f"offer_{name}")(offer=offer, by=by, **extra)


def offer_in(status, case, agent, lead):
    amount, moves = ROUTES[status]
    offer = lifecycle.offer_make(
        case=case, kind="refund", amount=amount, currency="GBP", by=agent
    )
    for name in moves:
        offer = move(offer, name, lead if name in ("approve", "reject") else agent)
    assert offer.status == status
    return offer


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("name", MOVES)
def test_every_move_from_every_status(resolving, agent, lead, status, name):
    offer = offer_in(status, resolving, agent, lead)
    actor = lead if name in ("approve", "reject") else agent
    version = Case.objects.get(pk=resolving.pk).version
    events = resolving.events.count()

    if (status, name) in ALLOWED:
        offer = move(offer, name, actor)
        assert offer.status == ALLOWED[(status, name)]
        event = resolving.events.last()
        assert (event.before, event.after, event.data["offer_id"]) == (
            status,
            offer.status,
            offer.pk,
        )
        assert event.actor == actor
        assert resolving.events.count() == events + 1
        resolving.refresh_from_db()
        assert resolving.version == version + 1
    else:
        with pytest.raises(OfferRefused) as caught:
            move(offer, name, actor)
        assert caught.value.missing[0].startswith("offer status ")
        offer.refresh_from_db()
        assert offer.status == status
        assert resolving.events.count() == events


def test_the_table_names_every_status():
    assert {status for status, _ in ALLOWED} | set(ROUTES) == set(S)


# --- making offers -------------------------------------------------------


@pytest.mark.parametrize(
    "amount",
    ["-1", "0", "0.00", "NaN", "nan", "Infinity", "-Infinity", "1.001", "0.005"]
    + ["10000000000.00", "1e20", "abc", "1,5", True, [], "", None, Decimal("NaN")],
)
def test_a_refund_needs_a_valid_amount(resolving, agent, amount):
    with pytest.raises(OfferRefused) as caught:
        lifecycle.offer_make(
            case=resolving, kind="refund", amount=amount, currency="GBP", by=agent
        )

    assert caught.value.missing == ["amount"]
    assert not resolving.offers.exists()


@pytest.mark.parametrize("amount", ["0.01", "99.9", 42, Decimal("9999999999.99")])
def test_a_refund_accepts_positive_amounts_to_the_penny(make_case, manager, amount):
    case = make_case("acknowledged")

    offer = lifecycle.offer_make(
        case=case, kind="refund", amount=amount, currency="GBP", by=manager
    )

    assert offer.amount == Decimal(str(amount))


@pytest.mark.parametrize("currency", ["", "GB", "EURO", "12A", "£", None])
def test_an_amount_needs_an_iso_currency(resolving, agent, currency):
    with pytest.raises(OfferRefused) as caught:
        lifecycle.offer_make(
            case=resolving, kind="credit", amount="5", currency=currency, by=agent
        )

    assert caught.value.missing == ["currency"]


def test_a_lower_case_currency_is_stored_upper_case(resolving, agent):
    offer = lifecycle.offer_make(
        case=resolving, kind="refund", amount="5", currency=" gbp ", by=agent
    )

    assert offer.currency == "GBP"


@pytest.mark.parametrize("kind", ["replacement", "redo", "apology_only", "other"])
def test_non_monetary_offers_need_no_amount(resolving, agent, kind):
    offer = lifecycle.offer_make(case=resolving, kind=kind, by=agent)

    assert (offer.amount, offer.currency, offer.status) == (None, "", S.PROPOSED)


def test_an_unknown_kind_is_refused(resolving, agent):
    with pytest.raises(OfferRefused) as caught:
        lifecycle.offer_make(case=resolving, kind="free_pony", by=agent)

    assert caught.value.missing == ["kind"]


@pytest.mark.parametrize(
    "stage", ["new", "listening", "resolved", "following_up", "closed"]
)
def test_offers_are_made_only_once_acknowledged_and_before_resolution(
    make_case, agent, stage
):
    case = make_case(stage)
    offers = case.offers.count()

    with pytest.raises(OfferRefused):
        lifecycle.offer_make(case=case, kind="replacement", by=agent)

    assert case.offers.count() == offers


def test_making_an_offer_records_it_on_the_timeline(resolving, agent):
    offer = lifecycle.offer_make(
        case=resolving,
        kind="goodwill_gesture",
        amount="15",
        currency="GBP",
        description="Flowers",
        extra_mile=True,
        by=agent,
    )

    event = resolving.events.last()
    assert (event.kind, event.after, event.actor) == ("offer_made", S.PROPOSED, agent)
    assert event.data == {
        "offer_id": offer.pk,
        "kind": "goodwill_gesture",
        "amount": "15.00",
        "currency": "GBP",
        "extra_mile": True,
    }


# --- approval above the limit --------------------------------------------


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
    actor = agent if who == "agent" else None

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
def test_a_leads_or_managers_own_offer_above_the_limit_is_approved_at_once(
    resolving, lead, manager, who
):
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


# --- counters, fulfilment, resolution ------------------------------------


def test_a_counter_records_what_the_customer_asked_for(resolving, agent, lead):
    offer = offer_in(S.PROPOSED, resolving, agent, lead)

    offer = lifecycle.offer_counter(
        offer=offer, by=agent, counter_request="  A full refund and free delivery. "
    )

    assert offer.counter_request == "A full refund and free delivery."
    event = resolving.events.last()
    assert event.data["counter_request"] == "A full refund and free delivery."


@pytest.mark.parametrize("request_text", ["", "   ", None])
def test_a_counter_without_what_was_asked_is_refused(
    resolving, agent, lead, request_text
):
    offer = offer_in(S.PROPOSED, resolving, agent, lead)

    with pytest.raises(OfferRefused) as caught:
        lifecycle.offer_counter(offer=offer, by=agent, counter_request=request_text)

    assert caught.value.missing == ["counter_request"]


def test_fulfilling_sets_the_time_and_deciding_sets_the_decision_time(
    resolving, agent, lead
):
    offer = offer_in(S.FULFILLED, resolving, agent, lead)

    assert offer.decided_at is not None and offer.fulfilled_at is not None


def test_moves_on_a_closed_case_are_refused(resolving, agent, lead):
    offer = offer_in(S.ACCEPTED, resolving, agent, lead)
    lifecycle.transition(resolving, "closed", by=agent, close_reason="withdrawn")

    with pytest.raises(OfferRefused) as caught:
        lifecycle.offer_fulfil(offer=offer, by=agent)

    assert caught.value.missing == ["open case"]


def test_an_accepted_apology_only_offer_counts_as_a_resolution(resolving, agent):
    offer = lifecycle.offer_make(case=resolving, kind="apology_only", by=agent)
    assert not lifecycle.has_accepted_resolution(resolving)

    lifecycle.offer_accept(offer=offer, by=agent)

    assert lifecycle.has_accepted_resolution(resolving)


def test_an_accepted_but_unfulfilled_refund_is_no_resolution_yet(
    resolving, agent, lead
):
    offer = offer_in(S.ACCEPTED, resolving, agent, lead)
    assert not lifecycle.has_accepted_resolution(resolving)

    lifecycle.offer_fulfil(offer=offer, by=agent)

    assert lifecycle.has_accepted_resolution(resolving)


def test_offers_change_status_only_through_the_lifecycle():
    assert Offer._meta.get_field("status").editable is False


@pytest.mark.parametrize("reason", ["withdrawn", "duplicate", "satisfied"])
def test_closing_a_case_withdraws_its_open_offers(
    make_case, resolving, agent, lead, reason
):
    """An offer on a closed case can never be answered; it must not wait forever."""
    open_offers = [
        offer_in(s, resolving, agent, lead)
        for s in (S.PENDING_APPROVAL, S.PROPOSED, S.COUNTERED)
    ]
    done = offer_in(S.FULFILLED, resolving, agent, lead)
    extra = {"duplicate_of": make_case("new")} if reason == "duplicate" else {}
    if reason == "satisfied":
        extra["skip_reason"] = "Sorted on the phone."

    lifecycle.transition(resolving, "closed", by=agent, close_reason=reason, **extra)

    for offer in open_offers:
        offer.refresh_from_db()
        assert offer.status == S.WITHDRAWN
    done.refresh_from_db()
    assert done.status == S.FULFILLED
    withdrawn = resolving.events.filter(kind="offer_withdrawn")
    assert withdrawn.count() == 3
    assert {e.before for e in withdrawn} == {
        S.PENDING_APPROVAL,
        S.PROPOSED,
        S.COUNTERED,
    }
    assert all(e.data["note"] == f"case closed ({reason})" for e in withdrawn)
