"""Writes about customers: matching a filer to a customer, consent, ending a relationship."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints.bounds import fields_check
from complaints.exceptions import RelationshipEndRefused

from .models import Customer, RelationshipStatus


def customer_match_or_create(
    *,
    email: str,
    name: str,
    phone: str = "",
    external_ref: str | None = None,
) -> tuple[Customer, bool]:
    """Find the customer by external_ref, else by email (case-insensitive), else create.

    Returns (customer, created). Safe under concurrent calls with the same
    external_ref: the loser of the insert race reads the winner's row. Raises
    InvalidInput when a value cannot be stored.
    """
    fields_check(
        Customer,
        {"email": email, "name": name, "phone": phone, "external_ref": external_ref},
    )
    external_ref = external_ref or None
    email = (email or "").strip()
    customer = _find(email=email, external_ref=external_ref)
    if customer is not None:
        return customer, False
    try:
        with transaction.atomic():
            customer = Customer.objects.create(
                email=email, name=name, phone=phone, external_ref=external_ref
            )
        return customer, True
    except IntegrityError:
        customer = _find(email=email, external_ref=external_ref)
        if customer is None:
            raise
        return customer, False


def customer_set_consent(*, customer: Customer, consent: bool) -> Customer:
    """Record whether the customer consents to follow-up contact."""
    customer.consent_to_contact = consent
    customer.consent_updated_at = timezone.now()
    customer.save(
        update_fields=["consent_to_contact", "consent_updated_at", "updated_at"]
    )
    return customer


@transaction.atomic
def customer_end_relationship(*, customer: Customer, reason: str) -> Customer:
    """End the relationship civilly; raise RelationshipEndRefused while anything is open."""
    from complaints.models import Case, Offer, OfferStatus, Stage

    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    missing = []
    if not reason.strip():
        missing.append("reason")
    if Case.objects.filter(customer=customer).exclude(stage=Stage.CLOSED).exists():
        missing.append("no_open_cases")
    if Offer.objects.filter(
        case__customer=customer, status=OfferStatus.ACCEPTED
    ).exists():
        missing.append("no_unfulfilled_accepted_offers")
    if missing:
        raise RelationshipEndRefused(missing)
    customer.relationship_status = RelationshipStatus.ENDED
    customer.relationship_ended_reason = reason.strip()
    customer.relationship_ended_at = timezone.now()
    customer.save()
    return customer


def _find(*, email: str, external_ref: str | None) -> Customer | None:
    if external_ref:
        found = Customer.objects.filter(external_ref=external_ref).first()
        if found is not None:
            return found
    if not email:
        return None
    same_email = Customer.objects.filter(email__iexact=email).order_by("id")
    if not external_ref:
        return same_email.first()
    # A filer's own id wins: adopt an email match only if it has no id of its own.
    found = same_email.filter(external_ref__isnull=True).first()
    if found is not None:
        found.external_ref = external_ref
        found.save(update_fields=["external_ref", "updated_at"])
    return found
