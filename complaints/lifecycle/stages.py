"""`transition()`: the only code that changes `Case.stage`.

Every stage change — by the API, a page, the admin or a task — comes here. It
locks the case row, checks every prerequisite (`rules`), applies the fields
the move carries, bumps the version and appends the timeline event, all in
one transaction.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from .. import hooks, relationships
from ..actors import Actor, By, as_actor
from ..bounds import text_check
from ..exceptions import TransitionRefused
from ..hooks import Hook
from ..links import CLOSED as LINKS_CLOSED
from ..links import links_end
from ..models import STAGE_ORDER, Case, CloseReason, EventKind, Stage
from ..services import message_post
from ..timeline import record_event
from ..versions import case_lock, case_version_bump
from . import rules
from .offers import offers_withdraw_open

# Fields an agent may fill in the same request that moves the stage.
EDITABLE_WITH_MOVE = ("customer_account", "restatement", "desired_outcome")


def transition(
    case: Case,
    to: str,
    *,
    by: By,
    expected_version: int | None = None,
    **fields: Any,
) -> Case:
    """Move the case to stage `to`.

    `fields` carries what the move needs: `apology`, `resolution_summary`,
    `skip_reason`, `close_reason`, `duplicate_of` (a Case), `reason`, and any of
    `customer_account`, `restatement`, `desired_outcome`,
    `desired_outcome_declined` to record on the way. Raises TransitionRefused
    listing every unmet prerequisite, StaleVersion when `expected_version` is
    given and the case has moved on, InvalidInput when a text is out of
    bounds. Returns the updated case.
    """
    for name, value in fields.items():
        text_check(value, field=name)
    actor = as_actor(by)
    with transaction.atomic():
        case = case_lock(case, expected_version=expected_version)
        edits = _apply_edits(case, fields)
        move = rules.classify(case.stage, to, fields)
        missing = rules.prerequisites(case, to, fields, move)
        if missing:
            raise TransitionRefused(case.reference, case.stage, to, missing)
        before = case.stage
        data = _enter(case, to, move, fields, actor)
        case.stage = to
        case_version_bump(case)
        if edits:
            record_event(
                case,
                EventKind.CASE_EDITED,
                by=actor,
                before=edits,
                after=_now_values(case, edits),
            )
        record_event(
            case, EventKind.STAGE_CHANGED, by=actor, before=before, after=to, **data
        )
        if to == Stage.CLOSED:
            # A closed case takes no more answers: end the links that could.
            links_end(case, by=actor, reason=LINKS_CLOSED, surveys=False)
        hooks.run(Hook.STAGE_CHANGED, case=case, before=before, after=to)
    return case


def _apply_edits(case: Case, fields: dict[str, Any]) -> dict[str, Any]:
    """Set the editable fields carried by the move; return their previous values."""
    previous: dict[str, Any] = {}
    for name in EDITABLE_WITH_MOVE:
        value = fields.get(name)
        if isinstance(value, str) and value.strip() and value != getattr(case, name):
            previous[name] = getattr(case, name)
            setattr(case, name, value.strip())
    declined = fields.get("desired_outcome_declined")
    if isinstance(declined, bool) and declined != case.desired_outcome_declined:
        previous["desired_outcome_declined"] = case.desired_outcome_declined
        case.desired_outcome_declined = declined
    return previous


def _now_values(case: Case, edits: dict[str, Any]) -> dict[str, Any]:
    return {name: getattr(case, name) for name in edits}


def _enter(
    case: Case, to: str, move: str, fields: dict[str, Any], actor: Actor
) -> dict[str, Any]:
    """Apply what entering `to` carries; return the event's extra data."""
    now = timezone.now()
    data: dict[str, Any] = {"move": move}
    if move == rules.SKIP:
        gap = STAGE_ORDER.index(to) - STAGE_ORDER.index(case.stage) - 1
        data["skip_reason"] = fields["skip_reason"].strip()
        data["skipped"] = list(STAGE_ORDER[STAGE_ORDER.index(case.stage) + 1 :][:gap])
        case.skipped_steps += gap
    if move == rules.REOPEN:
        data["reason"] = fields["reason"].strip()
        # Heard again from the start: no reminder should ask if they are happy.
        cancelled = _followups_cancel(case, "case reopened", actor)
        if cancelled:
            data["followups_cancelled"] = cancelled
        case.reopen_count += 1
        case.close_reason = ""
        case.closed_at = None
        case.resolved_at = None
        case.duplicate_of = None
        case.follow_up_refused = False
    if to == Stage.ACKNOWLEDGED:
        message = message_post(
            case=case,
            body=fields["apology"],
            visibility="customer",
            kind="apology",
            by=actor,
            lock=False,
        )
        data["message_id"] = message.pk
    elif to == Stage.RESOLVED:
        case.resolution_summary = fields["resolution_summary"].strip()
        case.resolved_at = now
        data["resolution_summary"] = case.resolution_summary
    elif to == Stage.CLOSED:
        _close(case, fields, now, data, actor)
    return data


def _close(
    case: Case, fields: dict[str, Any], now: Any, data: dict[str, Any], actor: Actor
) -> None:
    reason = fields["close_reason"]
    case.close_reason = reason
    case.closed_at = now
    if case.resolved_at is None and reason not in rules.ANYTIME_CLOSES:
        case.resolved_at = now
    if reason == CloseReason.DUPLICATE:
        case.duplicate_of = fields["duplicate_of"]
        data["duplicate_of"] = case.duplicate_of.reference
    if reason == CloseReason.NO_FOLLOW_UP:
        case.follow_up_refused = True
    if case.awaiting_customer:
        case.awaiting_customer = False
        case.awaiting_customer_since = None
    data["close_reason"] = reason
    if reason == CloseReason.RELATIONSHIP_ENDED:
        data["reason"] = fields["reason"].strip()
        relationships.relationship_end_apply(
            customer=case.customer, reason=data["reason"], by=actor, closing=case
        )
    cancelled = _followups_cancel(case, f"case closed ({reason})", actor)
    if cancelled:
        data["followups_cancelled"] = cancelled
    withdrawn = offers_withdraw_open(case, actor=actor, note=f"case closed ({reason})")
    if withdrawn:
        data["offers_withdrawn"] = withdrawn


def _followups_cancel(case: Case, reason: str, actor: Actor) -> int:
    """Cancel the case's scheduled follow-ups (the follow-ups room does it)."""
    return sum(hooks.run(Hook.FOLLOWUPS_CANCEL, case=case, reason=reason, by=actor))
