"""Which case a message continues: by the messages it answers, its address, its subject."""

import re

from django.conf import settings

from complaints.models import Case
from notifications.models import Outbox

from .models import InboundEmail
from .parsing import ParsedEmail

REFERENCE = re.compile(r"C-\d{4}-\d{6}")
_SUBJECT_TAG = re.compile(r"\[(C-\d{4}-\d{6})\]")
_OUTBOX_ID = re.compile(r"^outbox-(\d+)\.")


def case_reply_address(reference: str) -> str:
    """The case's own reply address: REPLY_TO_ADDRESS with the reference as a plus tag."""
    local, _, domain = settings.REPLY_TO_ADDRESS.strip().partition("@")
    if not domain:
        return settings.REPLY_TO_ADDRESS
    return f"{local}+{reference}@{domain}"


def case_for(parsed: ParsedEmail) -> tuple[Case | None, str]:
    """The case this message joins and how it was recognised, or (None, '')."""
    case = _by_thread(parsed.in_reply_to + parsed.references)
    if case is not None:
        return case, "thread"
    case = _by_address(parsed.recipients)
    if case is not None:
        return case, "address"
    match = _SUBJECT_TAG.search(parsed.subject)
    if match and parsed.sender:
        case = (
            Case.objects.select_related("customer", "assignee")
            .filter(reference=match.group(1), customer__email__iexact=parsed.sender)
            .first()
        )
        if case is not None:
            return case, "subject"
    return None, ""


def _by_thread(ids: list[str]) -> Case | None:
    if not ids:
        return None
    # Newest named message first: References lists the oldest first.
    ordered = list(dict.fromkeys(reversed(ids)))
    outbox_pks = {}
    for item in ordered:
        match = _OUTBOX_ID.match(item)
        if match:
            outbox_pks[int(match.group(1))] = item
    if outbox_pks:
        for row in Outbox.objects.filter(pk__in=outbox_pks, case__isnull=False):
            if row.message_id.strip("<>") == outbox_pks[row.pk]:
                return _case(row.case_id)
    stored = (
        InboundEmail.objects.filter(message_id__in=ordered, case__isnull=False)
        .values_list("case_id", flat=True)
        .first()
    )
    return _case(stored) if stored else None


def _by_address(recipients: list[str]) -> Case | None:
    local, _, domain = settings.REPLY_TO_ADDRESS.strip().lower().partition("@")
    if not domain:
        return None
    for address in recipients:
        user, _, host = address.partition("@")
        base, plus, tag = user.partition("+")
        if host == domain and base == local and plus:
            found = REFERENCE.fullmatch(tag.upper())
            if found:
                case = _case_by_reference(found.group(0))
                if case is not None:
                    return case
    return None


def _case(pk: int) -> Case | None:
    return Case.objects.select_related("customer", "assignee").filter(pk=pk).first()


def _case_by_reference(reference: str) -> Case | None:
    return (
        Case.objects.select_related("customer", "assignee")
        .filter(reference=reference)
        .first()
    )
