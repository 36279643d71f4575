"""Writes the customer side causes: filing from the web form, the confirmation mail.

Views parse and check the signed link; everything that changes data goes
through the complaints, customers and follow-ups services from here or
directly from the view (one call each).
"""

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext

from attachments.models import Source
from attachments.services import attachments_add
from complaints.actors import Actor
from complaints.exceptions import DomainError
from complaints.models import Case, Category, Channel, EventKind
from complaints.services import case_file
from complaints.timeline import record_event
from customers.services import customer_match_or_create, customer_set_consent
from notifications.customer_mail import confirmation_queue


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
    attachments: list[File] | tuple = (),
    language: str = "",
) -> Case:
    """File a complaint sent through the public form, as the customer.

    Matches the customer by email (case-insensitive). Consent is recorded
    only for a customer this filing creates: anyone may type an existing
    customer's address, so a matched customer's consent (and record) stays as
    it is; they change consent through their own status link. Queues the
    confirmation email with the status link in the outbox. The files in
    `attachments` join the case all or none; `language` is the one the form
    was shown in, which the customer's emails are written in: a refused one
    (attachments.exceptions.AttachmentRefused) files nothing at all.
    """
    customer, created = customer_match_or_create(
        email=email.strip(),
        name=name.strip(),
        phone=phone.strip(),
        language=language,
        by=Actor.customer(),
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
    if consent and created:
        consent_set_by_customer(case=case, consent=True)
    confirmation_queue(case=case, to=email.strip())
    if attachments:
        attachments_add(
            case=case, files=attachments, source=Source.FORM, by=Actor.customer()
        )
    return case


@transaction.atomic
def consent_set_by_customer(*, case: Case, consent: bool) -> Case:
    """Record the customer's consent to follow-up, noting a change on the case timeline.

    A closed case's link shows the case but changes nothing: raises DomainError.
    """
    if not case.is_open:
        raise DomainError(
            gettext("%(reference)s is closed; its page no longer changes consent.")
            % {"reference": case.reference},
            ["open case"],
        )
    customer = case.customer
    before = customer.consent_to_contact
    if before == consent:
        return case
    customer_set_consent(customer=customer, consent=consent, by=Actor.customer())
    record_event(
        case,
        EventKind.CONSENT_CHANGED,
        by=Actor.customer(),
        before=before,
        after=consent,
    )
    return case
