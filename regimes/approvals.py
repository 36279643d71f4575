"""Four eyes on letters: ask for approval, approve or refuse, send the approved text.

The rule of which letters need it and who approves is `regimes.four_eyes`;
`letter_send` refuses such a letter unless this exact text was approved
(`regimes.sending.approved_for`). Each step is one transaction with its
timeline event; approvers hear of a request, and the author of the decision,
through the notifications that subscribe to those events.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from complaints.actors import Actor, as_actor
from complaints.bounds import text_check
from complaints.exceptions import ActionForbidden, DomainError
from complaints.models import Case, EventKind
from complaints.timeline import record_event

from .four_eyes import may_approve_letter
from .letters import text_hash
from .models import ApprovalStatus, Letter, LetterApproval
from .sending import draft_check, letter_draft, letter_send


class ApprovalRefused(DomainError):
    """An approval step was refused (wrong status, the author approving …)."""

    title = "Approval refused"


@transaction.atomic
def letter_approval_request(
    *,
    case: Case,
    kind: str,
    by: Actor | Any,
    body: str | None = None,
    outcome: str | None = None,
) -> LetterApproval:
    """Ask a second person to approve the letter's text (rendered unless `body`).

    Raises LetterRefused when it lacks required contents, DomainError as
    `letter_draft` does.
    """
    actor = as_actor(by)
    now = timezone.now()
    draft = letter_draft(case=case, kind=kind, body=body, outcome=outcome, now=now)
    draft_check(draft)
    approval = LetterApproval.objects.create(
        case=case,
        kind=kind,
        outcome=draft.outcome,
        body=draft.text,
        sha256=text_hash(draft.text),
        requested_by=actor.user,
        requested_by_label=actor.label,
        requested_at=now,
    )
    record_event(
        case,
        EventKind.LETTER_APPROVAL_REQUESTED,
        by=actor,
        approval=approval.pk,
        kind=kind,
        outcome=draft.outcome or None,
        reasons=draft.approval_reasons,
    )
    return approval


def _decide(
    approval: LetterApproval, *, by: Actor | Any, to: str, note: str
) -> LetterApproval:
    actor = as_actor(by)
    approval = (
        LetterApproval.objects.select_for_update()
        .select_related("case")
        .get(pk=approval.pk)
    )
    if not may_approve_letter(actor.user, approval):
        raise ActionForbidden(
            gettext(
                "Only a team lead of the case's team or a manager approves letters."
            )
        )
    if approval.status != ApprovalStatus.PENDING:
        raise ApprovalRefused(
            gettext("This letter is “%(status)s” already.")
            % {"status": approval.get_status_display()},
            ["pending"],
        )
    if approval.requested_by_id == actor.user.pk:
        raise ApprovalRefused(
            gettext("Someone other than the author must approve this letter."),
            ["another_approver"],
        )
    text_check(note, field="note", max_length=2_000)
    approval.status = to
    approval.decided_by, approval.decided_at = actor.user, timezone.now()
    approval.note = (note or "").strip()
    approval.save(update_fields=["status", "decided_by", "decided_at", "note"])
    record_event(
        approval.case,
        (
            EventKind.LETTER_APPROVED
            if to == ApprovalStatus.APPROVED
            else EventKind.LETTER_APPROVAL_REFUSED
        ),
        by=actor,
        approval=approval.pk,
        kind=approval.kind,
        author=approval.requested_by.get_username() if approval.requested_by else "",
        note=approval.note,
    )
    return approval


@transaction.atomic
def letter_approval_approve(
    *, approval: LetterApproval, by: Actor | Any, note: str = ""
) -> LetterApproval:
    """Approve a pending letter: its exact text may now be sent.

    Raises ActionForbidden for anyone but the case's leads and managers,
    ApprovalRefused (`another_approver`) for its author, (`pending`) for one
    decided already.
    """
    return _decide(approval, by=by, to=ApprovalStatus.APPROVED, note=note)


@transaction.atomic
def letter_approval_refuse(
    *, approval: LetterApproval, by: Actor | Any, note: str = ""
) -> LetterApproval:
    """Refuse a pending letter (the author writes another). Raises as approving."""
    return _decide(approval, by=by, to=ApprovalStatus.REFUSED, note=note)


def letter_approval_send(*, approval: LetterApproval, by: Actor | Any) -> Letter:
    """Send an approved letter exactly as approved.

    Raises ApprovalRefused (`approved`) unless it is approved and unsent, and
    whatever `letter_send` raises.
    """
    if approval.status != ApprovalStatus.APPROVED:
        raise ApprovalRefused(
            gettext("Only an approved letter can be sent; this one is “%(status)s”.")
            % {"status": approval.get_status_display()},
            ["approved"],
        )
    return letter_send(
        case=approval.case,
        kind=approval.kind,
        body=approval.body,
        outcome=approval.outcome or None,
        by=by,
    )
