"""Helpers shared by the offer tests: walking an offer to any status."""

from complaints import lifecycle
from complaints.models import OfferStatus

S = OfferStatus
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
