"""What the case page shows of regulated handling: letters, approvals, support.

A fixed number of queries whatever the number of letters (their text and PDF
are not loaded for the list).
"""

from typing import Any

from django.utils import timezone

from complaints.lifecycle.approvals import may_approve
from complaints.models import Case
from customers.selectors import representative_of, vulnerability_of
from regimes.models import ApprovalStatus, Letter, LetterKind
from regimes.selectors import case_letter_approvals, regime_of_case


def regulated_panel(*, case: Case, user: Any) -> dict[str, Any]:
    """Letters of the case's regime, letters sent and asked for approval, and
    the customer's vulnerability and representative."""
    regime = regime_of_case(case, at=timezone.now())
    kinds = [
        (kind, LetterKind(kind).label)
        for kind in LetterKind.values
        if regime is not None and kind in (regime.letters or {})
    ]
    sent = Letter.objects.filter(case=case).only(
        "id", "kind", "outcome", "sent_at", "sent_by_label", "to", "copy_to", "sha256"
    )
    approver = may_approve(user, case)
    approvals = list(case_letter_approvals(case))
    for approval in approvals:
        approval.may_decide = (
            approver
            and approval.status == ApprovalStatus.PENDING
            and approval.requested_by_id != user.pk
        )
    return {
        "letter_kinds": kinds,
        "letters_sent": list(sent),
        "letter_approvals": approvals,
        "vulnerability": vulnerability_of(case.customer),
        "representative": representative_of(case.customer),
    }
