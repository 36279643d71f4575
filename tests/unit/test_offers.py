"""Offers (CONTRACT §5): every move from every status, money, approval above limits.

Approval: CONTRACT §5 names a manager; Redress lets the team lead of the
case's team approve too, because the lead owns escalation level 1 and the
method asks only that bending policy be "a decision someone owns". An
above-limit offer waits in `pending_approval` whoever makes it, and its maker
never approves it (maker–checker), unless OFFER_SELF_APPROVAL is on: then one
made by such a lead or by a manager is approved at once (`needed_approval`
stays true and `approved_by` names them).
"""

from decimal import Decimal

import pytest

from complaints import lifecycle
from complaints.exceptions import OfferRefused
from complaints.models import Case, Offer, OfferStatus
from tests.unit.offer_support import ROUTES, move, offer_in

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
