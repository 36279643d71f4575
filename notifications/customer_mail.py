"""The customer's emails that case changes cause: a staff reply, a fresh status link.

The complaints core runs `complaints.hooks` inside its transaction and this
room queues the outbox row in that same transaction, so a committed reply is
never without its email and a rolled-back one never sends. Registered by
`NotificationsConfig.ready()`.
"""

from complaints import hooks
from complaints.actors import customer_facing_name
from complaints.hooks import Hook
from complaints.links import status_url
from complaints.models import Case, Message

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


def register() -> None:
    """Hook the customer's emails into the case's changes."""
    hooks.register(Hook.CUSTOMER_MESSAGE, customer_message_email)
    hooks.register(Hook.CUSTOMER_LINK, customer_link_email)
