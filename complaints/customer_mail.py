"""Emails to the customer that case moves cause: an offer to answer, resolved, closed.

Called inside the move's transaction, so the outbox row commits with it; the
outbox key names the move, so a repeat never mails twice.
"""

from typing import Any

from .models import Case, Offer, Stage


def customer_email_queue(
    *, case: Case, template: str, key: str, context: dict[str, Any] | None = None
) -> int | None:
    """Queue one email to the case's customer (none without an address); return its id."""
    from notifications.services import email_queue, outbox_enqueue_on_commit
    from portal.links import status_url

    customer = case.customer
    if not customer.email:
        return None
    outbox_id = email_queue(
        to=customer.email,
        template=template,
        key=key,
        context={
            "customer_name": customer.name,
            "status_url": status_url(case),
            **(context or {}),
        },
        case=case,
    )
    outbox_enqueue_on_commit([outbox_id])
    return outbox_id


def customer_email_on_stage(*, case: Case, stage: str) -> None:
    """Tell the customer their complaint is resolved, or closed (once per closing)."""
    if stage not in (Stage.RESOLVED, Stage.CLOSED):
        return
    template = "case_resolved" if stage == Stage.RESOLVED else "case_closed"
    customer_email_queue(
        case=case,
        template=template,
        key=f"case:{case.pk}:{stage}:{case.reopen_count}",
    )


def customer_email_offer(*, offer: Offer) -> None:
    """Put an offer the customer may answer (made within limits, or approved) to them."""
    customer_email_queue(
        case=offer.case,
        template="offer_made",
        key=f"offer:{offer.pk}:proposed",
        context={"offer": offer},
    )
