"""Anonymise a case, or a customer, past retention: never delete, replace.

What goes (replaced by fixed placeholders): the words of the case (subject,
description, the customer's account, restatement, desired outcome,
resolution summary, metadata but its `product`), message bodies and the customer's name on
their messages, offers' descriptions, counters and notes, follow-up notes,
promises' texts, attachments' bytes and names (the row stays, with its
sha256, size and type), the emails sent about the case (address, subject,
text), in-app notifications' texts, what an API client sent for the
customer, inbound emails (through the mail room's `Section`), and the free
text of timeline events (`records.redaction`), the addresses a letter went
to (`to`, `copy_to`: the letter's text, hash and PDF never change), and the
words of letter drafts never sent and of approvers' notes. For a customer
also: name, email, phone, the reason a relationship ended, their filing
systems' ids, the adjustments and consent note of their vulnerability record,
and their representative's name, email and evidence of authority.

What stays, so the regime returns and the dashboards add up: every row and
its counts, dates, stages, categories, priorities, channels, teams,
assignees, outcomes, close reasons, offers' kinds, statuses and amounts,
follow-up outcomes and scores, SLA and statutory clocks, the letters' texts:
a sent letter is the firm's record of what it told the customer and never
changes (CONTRACT §15; README "Retention and data rights"), and the
vulnerability drivers and the representative's kind: the FCA return counts
the complaints of vulnerable customers (`regimes.returns`, the drivers as
recorded now), so a past return reads the same after anonymisation; with the
name, contact details and free text gone they point at no one.
"""

from datetime import datetime

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from api.models import CaseFiling
from attachments.models import Attachment
from attachments.storage import attachment_storage
from complaints.actors import By, as_actor
from complaints.exceptions import TransitionRefused
from complaints.models import Case, EventKind, Message, MessageKind, Offer, Stage
from complaints.timeline import record_event
from complaints.versions import case_lock, case_version_bump
from customers.models import (
    Customer,
    CustomerRef,
    LetterCopy,
    Representative,
    Vulnerability,
)
from followups.models import FollowUp
from notifications.models import Notification, Outbox, OutboxStatus
from regimes.models import Letter, LetterApproval
from service_recovery.models import IncidentNotice, Promise

from .exceptions import RecordsRefused
from .models import AnonymisedCase, AnonymisedCustomer
from .redaction import PLACEHOLDER, events_redact
from .retention import case_is_held, customer_is_held, retention_ends
from .sections import sections

CUSTOMER_NAME = "Anonymised customer"
REPRESENTATIVE_NAME = "Anonymised representative"
CASE_TEXTS = (
    "subject",
    "description",
    "customer_account",
    "restatement",
    "desired_outcome",
    "resolution_summary",
)


def _blank_out(queryset, *fields: str) -> None:
    """Replace each non-empty `field` of the rows by the placeholder."""
    for name in fields:
        queryset.exclude(**{name: ""}).update(**{name: PLACEHOLDER})


def case_anonymise(*, case: Case, by: By, now: datetime | None = None) -> bool:
    """Replace the personal data of a closed case past retention.

    Idempotent: a case already anonymised is left alone (returns False;
    True when anonymised now). Raises RecordsRefused when the case is open,
    within retention or under a legal hold (its own or its customer's).
    """
    now = now or timezone.now()
    actor = as_actor(by)
    with transaction.atomic():
        case = case_lock(case)
        # A hold is placed under the customer's row lock: take it too, so a hold
        # placed meanwhile is either seen here or waits for this to commit.
        Customer.objects.select_for_update().filter(pk=case.customer_id).first()
        if AnonymisedCase.objects.filter(case=case).exists():
            return False
        ends = retention_ends(case)
        if ends is None:
            raise RecordsRefused(
                gettext("%(reference)s is not closed.") % {"reference": case.reference},
                ["open"],
            )
        if ends > now:
            raise RecordsRefused(
                gettext("%(reference)s is kept until %(ends)s.")
                % {"reference": case.reference, "ends": f"{ends:%Y-%m-%d %H:%M}"},
                ["within_retention"],
            )
        if case_is_held(case):
            raise RecordsRefused(
                gettext("%(reference)s is on legal hold.")
                % {"reference": case.reference},
                ["held"],
            )
        _case_texts(case)
        _case_rows([case.pk])
        for section in sections():
            section.redact(None, [case.pk])
        events_redact([case.pk])
        AnonymisedCase.objects.create(
            case=case, at=now, by_label=actor.label, retention_ended=ends
        )
        record_event(
            case, EventKind.CASE_ANONYMISED, by=actor, retention_ended=ends.isoformat()
        )
    return True


def refuse_reopening_anonymised(*, case: Case, before: str, after: str) -> None:
    """A case anonymised is over: its words are gone, so it is never reopened
    (the `stage_changed` hook; raising rolls the move back)."""
    reopening = before == Stage.CLOSED and after != Stage.CLOSED
    if reopening and AnonymisedCase.objects.filter(case_id=case.pk).exists():
        raise TransitionRefused(case.reference, before, after, ["anonymised"])


def _case_texts(case: Case) -> None:
    changed = [name for name in CASE_TEXTS if getattr(case, name)]
    for name in changed:
        setattr(case, name, PLACEHOLDER)
    # Free-form client data may hold anything personal; the product is kept,
    # which problems (the iceberg) group cases by.
    product = (case.metadata or {}).get("product")
    case.metadata = {"product": product} if isinstance(product, str) else {}
    # The search triggers recompute the document from the new texts.
    case_version_bump(case, fields=[*changed, "metadata"])


def _case_rows(case_ids: list[int]) -> None:
    """Redact every row hanging off the cases (their own tables, below us)."""
    messages = Message.objects.filter(case_id__in=case_ids)
    messages.update(body=PLACEHOLDER)
    messages.filter(kind=MessageKind.FROM_CUSTOMER).update(author_label="customer")
    _blank_out(
        Offer.objects.filter(case_id__in=case_ids),
        "description",
        "counter_request",
        "decision_note",
    )
    _blank_out(FollowUp.objects.filter(case_id__in=case_ids), "note", "result_note")
    Promise.objects.filter(case_id__in=case_ids).update(text=PLACEHOLDER)
    Notification.objects.filter(case_id__in=case_ids).update(
        title=PLACEHOLDER, body="", url=""
    )
    _outbox_redact(Outbox.objects.filter(case_id__in=case_ids))
    for filing in CaseFiling.objects.filter(case_id__in=case_ids):
        filing.customer = {
            key: PLACEHOLDER if value else value
            for key, value in (filing.customer or {}).items()
        }
        filing.save(update_fields=["customer"])
    _attachments_redact(Attachment.objects.filter(case_id__in=case_ids))
    _letters_redact(case_ids)


def _letters_redact(case_ids: list[int]) -> None:
    """Clear the addresses letters went to; their text, hash and PDF stay.

    LetterQuerySet refuses every update (a sent letter never changes); the
    database trigger refuses only a change of text, hash or PDF. The addresses
    are personal data, not what the firm said: the base QuerySet.update, as
    `records.redaction` does for events, is the sanctioned exception.
    """
    letters = Letter.objects.filter(case_id__in=case_ids).exclude(to="", copy_to="")
    models.QuerySet.update(letters, to="", copy_to="")
    approvals = LetterApproval.objects.filter(case_id__in=case_ids)
    _blank_out(approvals, "note")
    # A sent draft is the letter's own text, kept with the letter; one never
    # sent (pending, refused, approved but not sent) was never the record.
    _blank_out(approvals.filter(letter__isnull=True), "body")


def _outbox_redact(outbox) -> None:
    # An email still waiting to go is the outbox's to deliver (its status is
    # the outbox's alone to change); years after closure there is none.
    outbox.exclude(status=OutboxStatus.PENDING).update(
        to="", subject=PLACEHOLDER, body=PLACEHOLDER, html="", headers={}
    )


def _attachments_redact(attachments) -> None:
    """Delete the files (after commit) and the names; keep sha256, size, type."""
    names = [
        name
        for row in attachments.values_list("storage_name", "thumbnail_name")
        for name in row
        if name
    ]
    attachments.update(filename=PLACEHOLDER, thumbnail_name="")
    if names:
        transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    storage = attachment_storage()
    for name in names:
        storage.delete(name)


def customer_anonymise(
    *, customer: Customer, by: By, now: datetime | None = None
) -> bool:
    """Anonymise the customer and every one of their cases.

    Idempotent (False when already anonymised). Raises RecordsRefused, listing
    the reasons, when the customer or a case of theirs is on hold, or a case
    is open or within retention: then nothing changes.
    """
    now = now or timezone.now()
    actor = as_actor(by)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if AnonymisedCustomer.objects.filter(customer=customer).exists():
            return False
        if customer_is_held(customer):
            raise RecordsRefused(gettext("The customer is on legal hold."), ["held"])
        cases = list(
            customer.cases.select_related("category")
            .exclude(anonymised__isnull=False)
            .order_by("pk")
        )
        kept = []
        for case in cases:
            ends = retention_ends(case)
            if ends is None or ends > now:
                kept.append(case.reference)
        if kept:
            raise RecordsRefused(
                gettext("Cases still kept: %(references)s")
                % {"references": ", ".join(kept)},
                kept,
            )
        for case in cases:
            case_anonymise(case=case, by=actor, now=now)
        _customer_rows(customer)
        AnonymisedCustomer.objects.create(
            customer=customer, at=now, by_label=actor.label
        )
    return True


def _customer_rows(customer: Customer) -> None:
    case_ids = list(customer.cases.values_list("pk", flat=True))
    notices = IncidentNotice.objects.filter(customer=customer).values("outbox_id")
    if customer.email:
        _outbox_redact(
            Outbox.objects.filter(Q(to__iexact=customer.email) | Q(pk__in=notices))
        )
    for section in sections():
        section.redact(customer, case_ids)
    for ref in CustomerRef.objects.filter(customer=customer):
        ref.external_ref = f"anonymised-{ref.pk}"
        ref.save(update_fields=["external_ref"])
    _support_redact(customer)
    Customer.objects.filter(pk=customer.pk).update(
        name=CUSTOMER_NAME,
        email="",
        phone="",
        relationship_ended_reason=PLACEHOLDER
        if customer.relationship_ended_reason
        else "",
        updated_at=timezone.now(),
    )


def _support_redact(customer: Customer) -> None:
    """The vulnerability's words and the representative's identity go; the
    drivers, the representative's kind and the dates stay (see above)."""
    now = timezone.now()
    vulnerability = Vulnerability.objects.filter(customer=customer)
    _blank_out(vulnerability, "adjustments", "consent_from")
    vulnerability.update(updated_at=now)
    Representative.objects.filter(customer=customer).update(
        name=REPRESENTATIVE_NAME,
        email="",
        authority=PLACEHOLDER,
        # Without an address no letter can go to them.
        receives_letters=LetterCopy.NO,
        updated_at=now,
    )
