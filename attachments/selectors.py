"""Who may fetch which attachment: staff through the case visibility rule, the
customer through their own case's link (only what they sent themselves)."""

from django.db.models import QuerySet

from complaints.models import Case
from complaints.selectors import cases_visible_to

from .models import CUSTOMER_SOURCES, SERVABLE, Attachment


def attachments_of_case(*, case: Case) -> QuerySet[Attachment]:
    """Every attachment of the case, oldest first (for staff who may see it)."""
    return case.attachments.select_related("uploaded_by").order_by("created_at", "id")


def attachments_for_customer(*, case: Case) -> QuerySet[Attachment]:
    """The files the customer sent on their case (staff uploads are internal)."""
    return attachments_of_case(case=case).filter(source__in=CUSTOMER_SOURCES)


def attachment_for_staff(user, attachment_id: int) -> Attachment | None:
    """The attachment if `user` may see its case and it may be served, else None."""
    return (
        Attachment.objects.filter(
            pk=attachment_id,
            case__in=cases_visible_to(user),
            scan_status__in=SERVABLE,
        )
        .select_related("case")
        .first()
    )


def attachment_for_customer(*, case: Case, attachment_id: int) -> Attachment | None:
    """The customer's own servable attachment on `case`, else None."""
    return (
        attachments_for_customer(case=case)
        .filter(pk=attachment_id, scan_status__in=SERVABLE)
        .first()
    )
