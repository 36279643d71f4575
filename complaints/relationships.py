"""Ending a customer relationship, civilly (METHOD point 10): the one path.

`customer_end_relationship` is how staff end it: every open case of the
customer is closed through the lifecycle with close reason
`relationship_ended`, and the customer record says why and when. Closing a
single case with `relationship_ended` through `lifecycle.transition` takes
the same path (`relationship_end_apply`), so either way the customer ends up
ended, with every case closed and the history kept. Both refuse while an
accepted offer is left unfulfilled, or without a reason.

It lives in the complaints core, not in `customers`, because the rule spans
the customer's cases and offers; `customers` sits below the core.
"""

from django.db import transaction
from django.utils import timezone

from customers.models import Customer, RelationshipStatus

from . import lifecycle
from .actors import Actor
from .exceptions import RelationshipEndRefused
from .models import OPEN_STAGES, Case, CloseReason, Offer, OfferStatus, Stage

REASON_MAX = 2_000


def relationship_end_missing(*, customer: Customer, reason: str) -> list[str]:
    """What keeps the relationship from ending: a reason, fulfilled accepted offers.

    The codes are the lifecycle's (`reason`, `no_unfulfilled_offers`); the
    unfulfilled offers are named in `unfulfilled_offers`.
    """
    missing = []
    if not isinstance(reason, str) or not reason.strip():
        missing.append("reason")
    if unfulfilled_offers(customer=customer):
        missing.append("no_unfulfilled_offers")
    return missing


def unfulfilled_offers(*, customer: Customer) -> list[str]:
    """`<case reference>: <offer kind>` for each accepted offer not yet fulfilled."""
    offers = Offer.objects.filter(
        case__customer=customer, status=OfferStatus.ACCEPTED
    ).select_related("case")
    return [f"{o.case.reference}: {o.kind}" for o in offers.order_by("case_id", "pk")]


def customer_end_relationship(
    *, customer: Customer, reason: str, by: Actor
) -> Customer:
    """End the relationship: close every open case (`relationship_ended`), record why.

    Raises RelationshipEndRefused listing what is missing (a reason, the
    accepted offers still unfulfilled) and changes nothing then. Ending a
    relationship already ended is refused too. Returns the updated customer.
    """
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if customer.relationship_status == RelationshipStatus.ENDED:
            raise RelationshipEndRefused(["relationship_active"])
        missing = relationship_end_missing(customer=customer, reason=reason)
        if missing:
            raise RelationshipEndRefused(
                missing, offers=unfulfilled_offers(customer=customer)
            )
        relationship_end_apply(customer=customer, reason=reason, by=by)
    customer.refresh_from_db()
    return customer


def relationship_end_apply(
    *, customer: Customer, reason: str, by: Actor, closing: Case | None = None
) -> None:
    """Mark the customer ended and close their other open cases through the lifecycle.

    The lifecycle calls it when it closes `closing` with `relationship_ended`
    (its prerequisites already checked); a customer already ended is left
    alone, so the cases this closes do not start it again.
    """
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.relationship_status == RelationshipStatus.ENDED:
        return
    customer.relationship_status = RelationshipStatus.ENDED
    customer.relationship_ended_reason = reason.strip()[:REASON_MAX]
    customer.relationship_ended_at = timezone.now()
    customer.save(
        update_fields=[
            "relationship_status",
            "relationship_ended_reason",
            "relationship_ended_at",
        ]
    )
    others = Case.objects.filter(customer=customer, stage__in=OPEN_STAGES)
    if closing is not None:
        others = others.exclude(pk=closing.pk)
    for case in others.order_by("pk"):
        lifecycle.transition(
            case,
            Stage.CLOSED,
            by=by,
            close_reason=CloseReason.RELATIONSHIP_ENDED,
            reason=reason,
        )
