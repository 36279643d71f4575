"""The mail room's part in subject access and anonymisation (`records.sections`).

Inbound emails are the customer's own words as received: the export lists
them (headers and text; the raw bytes stay out), the anonymiser empties them
but keeps the row (its dedupe key, so the same message is never taken twice,
its outcome and dates).
"""

from typing import Any

from django.db.models import Q, QuerySet

from customers.models import Customer
from records.redaction import PLACEHOLDER
from records.sections import Section

from .models import InboundEmail


def _of(customer: Customer | None, case_ids: list[int]) -> QuerySet[InboundEmail]:
    match = Q(case_id__in=case_ids)
    if customer is not None and customer.email:
        match |= Q(sender__iexact=customer.email)
    return InboundEmail.objects.filter(match)


def inbound_export(customer: Customer, case_ids: list[int]) -> list[dict[str, Any]]:
    """The customer's inbound emails, oldest first."""
    rows = _of(customer, case_ids).select_related("case").order_by("received_at", "id")
    return [
        {
            "received_at": row.received_at.isoformat(),
            "case": row.case.reference if row.case_id else None,
            "sender": row.sender,
            "subject": row.subject,
            "message_id": row.message_id,
            "outcome": row.outcome,
            "text": row.text,
            "attachments": [
                {k: a.get(k) for k in ("filename", "content_type", "size")}
                for a in row.attachments or []
                if isinstance(a, dict)
            ],
        }
        for row in rows
    ]


def inbound_redact(customer: Customer | None, case_ids: list[int]) -> int:
    """Empty the emails' addresses, subjects, texts and raw bytes."""
    return _of(customer, case_ids).update(
        raw=b"", text="", html="", sender="", subject=PLACEHOLDER, attachments=[]
    )


SECTION = Section(name="inbound_emails", export=inbound_export, redact=inbound_redact)
