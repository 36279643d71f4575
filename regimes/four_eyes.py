"""Four eyes on letters: which need a second person's approval, and who gives it.

Per regime version (`Regime.four_eyes_on_rejection`,
`Regime.four_eyes_offer_limit`): a final response that rejects the complaint
(outcome `not_upheld`), or one on a case with a live offer above the limit,
is sent only once someone other than its author approved its exact text.
Who may approve is the offers' rule (`complaints.lifecycle.approvals`: the
case's team leads and managers), so leads work one approvals queue.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q

from complaints.lifecycle.approvals import approvable_cases_q, may_approve
from complaints.models import Case, OfferStatus

from .models import ApprovalStatus, LetterApproval, LetterKind, Outcome, Regime

LIVE_OFFERS = (
    OfferStatus.PENDING_APPROVAL,
    OfferStatus.PROPOSED,
    OfferStatus.ACCEPTED,
    OfferStatus.COUNTERED,
    OfferStatus.FULFILLED,
)


def four_eyes_reasons(
    *, case: Case, regime: Regime, kind: str, outcome: str | None
) -> list[str]:
    """Why this letter needs a second person's approval (empty: it does not).

    `rejection`: a final response not upholding the complaint under a regime
    that asks for it; `offer_above_limit`: a live offer on the case above the
    regime's limit.
    """
    if kind != LetterKind.FINAL_RESPONSE:
        return []
    reasons = []
    if regime.four_eyes_on_rejection and outcome == Outcome.NOT_UPHELD:
        reasons.append("rejection")
    limit = regime.four_eyes_offer_limit
    if limit is not None and _largest_offer(case) > limit:
        reasons.append("offer_above_limit")
    return reasons


def _largest_offer(case: Case) -> Decimal:
    amounts = case.offers.filter(
        status__in=LIVE_OFFERS, amount__isnull=False
    ).values_list("amount", flat=True)
    return max(amounts, default=Decimal(0))


def may_approve_letter(user: Any, approval: LetterApproval) -> bool:
    """Whether `user` may approve or refuse `approval` by role (not its author check)."""
    return user is not None and may_approve(user, approval.case)


def letters_awaiting_approval_by_q(user: Any) -> Q:
    """Cases with a letter waiting for `user`'s approval (not one they wrote)."""
    scope = approvable_cases_q(user)
    if scope is None:
        return Q(pk__in=[])
    pending = LetterApproval.objects.filter(
        case_id=OuterRef("pk"), status=ApprovalStatus.PENDING
    ).exclude(requested_by_id=user.pk)
    return scope & Q(Exists(pending))
