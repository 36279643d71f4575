"""Writes the customer side causes: filing from the web form, the confirmation mail.

Views parse and check the signed link; everything that changes data goes
through the complaints, customers and follow-ups services from here or
directly from the view (one call each).
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from complaints.actors import Actor
from complaints.models import Case, Category, Channel
from complaints.services import case_file
from complaints.timeline import record_event
from customers.services import customer_match_or_create, customer_set_consent

from .links import status_url

log = logging.getLogger(__name__)


@transaction.atomic
def complaint_file_from_web(
    *,
    name: str,
    email: str,
    subject: str,
    description: str,
    phone: str = "",
    category: Category | None = None,
    desired_outcome: str = "",
    consent: bool = False,
) -> Case:
    """File a complaint sent through the public form, as the customer.

    Matches the customer by email (case-insensitive), records consent only
    when given (never withdraws it by omission), and mails the customer a
    confirmation with their status link once the filing is committed.
    """
    customer, _created = customer_match_or_create(
        email=email.strip(), name=name.strip(), phone=phone.strip()
    )
    case = case_file(
        customer=customer,
        subject=subject,
        description=description,
        channel=Channel.WEB,
        category=category,
        desired_outcome=desired_outcome,
        by=Actor.customer(),
    )
    if consent:
        consent_set_by_customer(case=case, consent=True)
    address = email.strip()
    transaction.on_commit(lambda: confirmation_send(case=case, to=address))
    return case


@transaction.atomic
def consent_set_by_customer(*, case: Case, consent: bool) -> Case:
    """Record the customer's consent to follow-up, noting a change on the case timeline."""
    customer = case.customer
    before = customer.consent_to_contact
    if before == consent:
        return case
    customer_set_consent(customer=customer, consent=consent)
    record_event(
        case, "consent_changed", by=Actor.customer(), before=before, after=consent
    )
    return case


def confirmation_send(*, case: Case, to: str) -> bool:
    """Mail the customer that we have their complaint; return whether it went out.

    A mail server failure is logged, not raised: the complaint is already
    filed and the thank-you page carries the same link.
    """
    context = {"case": case, "status_url": status_url(case)}
    body = render_to_string("portal/email/confirmation.txt", context)
    subject = f"We have your complaint ({case.reference})"
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:
        log.exception("Could not send the confirmation for %s", case.reference)
        return False
    return True
