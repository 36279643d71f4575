"""The transition table: which stage moves exist and what each one needs.

Pure reads: `classify` names the kind of move, `prerequisites` lists every
unmet prerequisite by code. `stages.transition` applies a move that passes.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from .. import hooks, relationships
from ..hooks import Hook
from ..models import (
    STAGE_ORDER,
    Case,
    CloseReason,
    Offer,
    OfferKind,
    OfferStatus,
    Stage,
)

FORWARD = "forward"
SKIP = "skip"
REOPEN = "reopen"
CLOSE_ANY = "close_any"
INVALID = "invalid"

# Closes allowed from any open stage, with no other prerequisite than their own.
ANYTIME_CLOSES = frozenset(
    {CloseReason.WITHDRAWN, CloseReason.DUPLICATE, CloseReason.RELATIONSHIP_ENDED}
)
REOPENABLE = frozenset({Stage.RESOLVED, Stage.FOLLOWING_UP, Stage.CLOSED})

LABELS: dict[str, str] = {
    "valid_stage": _("a known stage"),
    "valid_move": _("a move the method allows from this stage"),
    "open_case": _("an open case (this one is closed; reopen it instead)"),
    "assignee": _("an assignee"),
    "customer_account": _("the customer's account of what happened"),
    "restatement": _('your restatement ("so what you are saying is …")'),
    "apology": _("the apology to send the customer"),
    "desired_outcome": _(
        "what the customer says would be fair, or a note that they declined to say"
    ),
    "accepted_resolution": _(
        "an accepted offer that is fulfilled, or an accepted apology-only resolution"
    ),
    "resolution_summary": _("a resolution summary"),
    "follow_up_scheduled": _("a scheduled follow-up (needs the customer's consent)"),
    "follow_up_or_refusal": _(
        "a scheduled follow-up, or the customer's refusal of "
        "follow-up (close with no_follow_up)"
    ),
    "follow_ups_finished": _("every follow-up done or cancelled"),
    "close_reason": _("a valid close reason"),
    "duplicate_of": _("the open or closed case this one duplicates"),
    "reason": _("a reason"),
    "skip_reason": _("a reason for skipping steps"),
    "no_unfulfilled_offers": _("no accepted offer left unfulfilled for this customer"),
    "relationship_active": _("a relationship not ended already"),
}


def describe(codes: list[str]) -> list[str]:
    """Return the human wording of prerequisite codes."""
    return [str(LABELS.get(code, code.replace("_", " "))) for code in codes]


def classify(stage: str, to: str, fields: dict[str, Any]) -> str:
    """Name the kind of move from `stage` to `to`."""
    if to not in STAGE_ORDER:
        return INVALID
    if to == Stage.CLOSED and _close_reason(fields) in ANYTIME_CLOSES:
        return CLOSE_ANY if stage != Stage.CLOSED else INVALID
    if to == Stage.LISTENING and stage in REOPENABLE:
        return REOPEN
    gap = STAGE_ORDER.index(to) - STAGE_ORDER.index(stage)
    if gap == 1:
        return FORWARD
    if to == Stage.CLOSED and stage == Stage.RESOLVED:
        # Closing straight from resolved is the recorded refusal of follow-up;
        # only another valid reason makes it a skip of following_up.
        reason = _close_reason(fields)
        skip = reason in CloseReason.values and reason != CloseReason.NO_FOLLOW_UP
        return SKIP if skip else FORWARD
    if gap > 1:
        return SKIP
    return INVALID


def prerequisites(case: Case, to: str, fields: dict[str, Any], move: str) -> list[str]:
    """List the codes of every prerequisite the move lacks (empty when allowed)."""
    if move == INVALID:
        if to not in STAGE_ORDER:
            return ["valid_stage"]
        return ["open_case"] if case.stage == Stage.CLOSED else ["valid_move"]
    if move == REOPEN:
        return [] if _text(fields.get("reason")) else ["reason"]
    if move == CLOSE_ANY:
        return _close_any_missing(case, fields)
    missing: list[str] = []
    if move == FORWARD:
        missing += _exit_missing(case, to)
    else:
        if not _text(fields.get("skip_reason")):
            missing.append("skip_reason")
        if case.stage == Stage.NEW and case.assignee_id is None:
            missing.append("assignee")
    missing += _entry_missing(case, to, fields)
    return list(dict.fromkeys(missing))


def _exit_missing(case: Case, to: str) -> list[str]:
    stage = case.stage
    if stage == Stage.NEW:
        return [] if case.assignee_id else ["assignee"]
    if stage == Stage.LISTENING:
        return [
            name
            for name in ("customer_account", "restatement")
            if not _text(getattr(case, name))
        ]
    if stage == Stage.ACKNOWLEDGED:
        ok = _text(case.desired_outcome) or case.desired_outcome_declined
        return [] if ok else ["desired_outcome"]
    if stage == Stage.RESOLVING:
        return [] if has_accepted_resolution(case) else ["accepted_resolution"]
    if stage == Stage.RESOLVED and to == Stage.FOLLOWING_UP:
        return []  # the entry check asks for the scheduled follow-up
    if stage == Stage.FOLLOWING_UP:
        return [] if not _followups_scheduled(case) else ["follow_ups_finished"]
    return []


def _entry_missing(case: Case, to: str, fields: dict[str, Any]) -> list[str]:
    if to == Stage.ACKNOWLEDGED:
        return [] if _text(fields.get("apology")) else ["apology"]
    if to == Stage.RESOLVED:
        return [] if _text(fields.get("resolution_summary")) else ["resolution_summary"]
    if to == Stage.FOLLOWING_UP:
        if _followups_scheduled(case):
            return []
        if case.stage == Stage.RESOLVED:
            return ["follow_up_or_refusal"]
        return ["follow_up_scheduled"]
    if to == Stage.CLOSED and _close_reason(fields) not in CloseReason.values:
        return ["close_reason"]
    return []


def _close_any_missing(case: Case, fields: dict[str, Any]) -> list[str]:
    reason = fields.get("close_reason")
    if reason == CloseReason.DUPLICATE:
        other = fields.get("duplicate_of")
        ok = isinstance(other, Case) and other.pk != case.pk
        return [] if ok else ["duplicate_of"]
    if reason == CloseReason.RELATIONSHIP_ENDED:
        # The same rule as ending it from the customer (complaints.relationships).
        return relationships.relationship_end_missing(
            customer=case.customer, reason=fields.get("reason")
        )
    return []


def has_accepted_resolution(case: Case) -> bool:
    """Whether an offer was fulfilled, or an apology-only resolution accepted."""
    return Offer.objects.filter(case=case, status=OfferStatus.FULFILLED).exists() or (
        Offer.objects.filter(
            case=case, kind=OfferKind.APOLOGY_ONLY, status=OfferStatus.ACCEPTED
        ).exists()
    )


def _followups_scheduled(case: Case) -> bool:
    # The follow-ups room answers (complaints.hooks); the core never imports it.
    return any(hooks.run(Hook.FOLLOWUPS_SCHEDULED, case=case))


def _close_reason(fields: dict[str, Any]) -> str:
    # Anything but a string (a list or dict from a client) is no reason at all.
    reason = fields.get("close_reason")
    return reason if isinstance(reason, str) else ""


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
