"""The customer's emails that case changes cause: a staff reply, a fresh status
link, an offer to answer, the case resolved or closed; and the confirmation of
a filing by the portal or by email (`confirmation_queue`).

The complaints core runs `complaints.hooks` inside its transaction and this
room queues the outbox row in that same transaction, so a committed reply is
never without its email and a rolled-back one never sends. Registered by
`NotificationsConfig.ready()`.
"""

from typing import Any

from complaints import hooks
from complaints.actors import customer_facing_name
from complaints.hooks import Hook
from complaints.links import status_url
from complaints.models import Case, Message, Offer, Stage

from .outbox import outbox_enqueue_on_commit
from .services import email_queue


def customer_message_email(*, case: Case, message: Message) -> bool:
    """Queue a staff message to the customer with their status link; return whether."""
    customer = case.customer
    if not customer.email:
        return False
    outbox_id = email_queue(
        to=customer.email,
        template="customer_message",
        key=f"message:{message.pk}",
        context={
            "customer_name": customer.name,
            "message": message,
            "signed_by": customer_facing_name(message.author),
            "status_url": status_url(case),
        },
        case=case,
    )
    outbox_enqueue_on_commit([outbox_id])
    return True


def customer_link_email(*, case: Case, reason: str) -> bool:
    """Queue the customer's fresh status link; return whether queued."""
    customer = case.customer
    if not customer.email:
        return False
    outbox_id = email_queue(
        to=customer.email,
        template="customer_link",
        key=f"case:{case.pk}:link:{case.link_epoch}",
        context={
            "customer_name": customer.name,
            "status_url": status_url(case),
            "closed": not case.is_open,
        },
        case=case,
    )
    outbox_enqueue_on_commit([outbox_id])
    return True


def customer_email_queue(
    *, case: Case, template: str, key: str, context: dict[str, Any] | None = None
) -> int | None:
    """Queue one email to the case's customer (none without an address); return its id."""
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


def customer_email_on_stage(*, case: Case, before: str, after: str) -> None:
    """Tell the customer their complaint is resolved, or closed (once per closing)."""
    if after not in (Stage.RESOLVED, Stage.CLOSED):
        return
    template = "case_resolved" if after == Stage.RESOLVED else "case_closed"
    # The key names the move, so a repeat never mails twice.
    customer_email_queue(
        case=case, template=template, key=f"case:{case.pk}:{after}:{case.reopen_count}"
    )


def customer_email_offer(*, offer: Offer) -> None:
    """Put an offer the customer may answer (made within limits, or approved) to them."""
    customer_email_queue(
        case=offer.case,
        template="offer_made",
        key=f"offer:{offer.pk}:proposed",
        context={"offer": offer},
    )


def confirmation_queue(*, case: Case, to: str) -> int:
    """Queue the customer's confirmation email in the outbox; return its id.

    Call inside the filing's transaction: the row commits with the case, and
    the outbox delivers it (retrying a failing mail server) after commit.
    """
    outbox_id = email_queue(
        to=to,
        template="portal_confirmation",
        key=f"case:{case.pk}:confirmation",
        context={"customer_name": case.customer.name, "status_url": status_url(case)},
        case=case,
    )
    outbox_enqueue_on_commit([outbox_id])
    return outbox_id


def register() -> None:
    """Hook the customer's emails into the case's changes."""
    hooks.register(Hook.CUSTOMER_MESSAGE, customer_message_email)
    hooks.register(Hook.CUSTOMER_LINK, customer_link_email)
    hooks.register(Hook.STAGE_CHANGED, customer_email_on_stage)
    hooks.register(Hook.OFFER_PROPOSED, customer_email_offer)
