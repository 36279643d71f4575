"""Writes to follow-ups: schedule (with consent), complete, cancel.

Completing with `unsatisfied` reopens the case through the lifecycle.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from complaints.actors import Actor, By, as_actor
from complaints.bounds import fields_check, moment_check, text_check
from complaints.exceptions import FollowUpRefused
from complaints.lifecycle import transition
from complaints.models import Case, EventKind, Stage
from complaints.selectors import staff_who_may_see
from complaints.timeline import record_event
from complaints.versions import case_lock, case_version_bump

from .models import FollowUp, FollowUpChannel, FollowUpStatus, Outcome

SCHEDULABLE = (Stage.RESOLVED, Stage.FOLLOWING_UP)


def followup_schedule(
    *,
    case: Case,
    due_at: datetime,
    channel: str,
    note: str = "",
    owner: AbstractBaseUser | None = None,
    by: By,
) -> FollowUp:
    """Schedule a follow-up on a resolved case; needs the customer's consent.

    The owner (the assignee if omitted) must be staff who may see the case.
    The first one moves a resolved case on to following_up. Raises
    FollowUpRefused, and InvalidInput for a due time outside years 1900–2200
    or an unstorable note.
    """
    moment_check(due_at, field="due_at")
    fields_check(FollowUp, {"note": note})
    actor = as_actor(by)
    if channel not in FollowUpChannel.values:
        raise FollowUpRefused(f"Unknown channel {channel!r}.", ["channel"])
    with transaction.atomic():
        case = case_lock(case, related=["customer"])
        missing = []
        if case.stage not in SCHEDULABLE:
            missing.append("case resolved or following up")
        if not case.customer.consent_to_contact:
            missing.append("customer consent to be contacted")
        if due_at <= timezone.now() - timedelta(minutes=5):
            missing.append("a due time in the future")
        if missing:
            raise FollowUpRefused(
                "This follow-up cannot be scheduled: " + ", ".join(missing), missing
            )
        owner = owner or case.assignee or actor.user
        if owner is not None and not _may_see(owner, case):
            raise FollowUpRefused(
                f"The follow-up's owner must be staff who may see {case.reference}; "
                f"{owner.get_username()} may not.",
                ["owner"],
            )
        followup = FollowUp.objects.create(
            case=case,
            owner=owner,
            due_at=due_at,
            channel=channel,
            note=note.strip(),
            next_check_at=due_at,
        )
        record_event(
            case,
            EventKind.FOLLOWUP_SCHEDULED,
            by=actor,
            followup_id=followup.pk,
            due_at=due_at.isoformat(),
            channel=channel,
        )
        _touch(case)
        if case.stage == Stage.RESOLVED:
            transition(case, Stage.FOLLOWING_UP, by=actor)
    return followup


def followup_complete(
    *,
    followup: FollowUp,
    outcome: str,
    csat: int | None = None,
    note: str = "",
    by: By,
) -> FollowUp:
    """Record the follow-up's outcome; `unsatisfied` reopens the case.

    Raises FollowUpRefused when it is not scheduled or the input is invalid,
    InvalidInput for an unstorable note.
    """
    text_check(note, field="note")
    actor = as_actor(by)
    if outcome not in Outcome.values:
        raise FollowUpRefused(f"Unknown outcome {outcome!r}.", ["outcome"])
    if csat is not None and not (isinstance(csat, int) and 1 <= csat <= 5):
        raise FollowUpRefused("Satisfaction is a score from 1 to 5.", ["csat"])
    with transaction.atomic():
        case = case_lock(followup.case_id)
        followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if followup.status != FollowUpStatus.SCHEDULED:
            raise FollowUpRefused(
                f"This follow-up is {followup.status}.", ["scheduled"]
            )
        followup.status = FollowUpStatus.DONE
        followup.outcome = outcome
        followup.csat = csat
        followup.result_note = note.strip()
        followup.completed_at = timezone.now()
        followup.completed_by = actor.user
        followup.next_check_at = None
        followup.save()
        record_event(
            case,
            EventKind.FOLLOWUP_COMPLETED,
            by=actor,
            followup_id=followup.pk,
            outcome=outcome,
            csat=csat,
        )
        _touch(case)
        if outcome == Outcome.UNSATISFIED and case.stage in (
            Stage.RESOLVED,
            Stage.FOLLOWING_UP,
            Stage.CLOSED,
        ):
            followups_cancel_open(
                case=case, reason="customer still unsatisfied", by=actor
            )
            transition(
                case,
                Stage.LISTENING,
                by=actor,
                reason=f"Follow-up found the customer still unsatisfied. {note}".strip(),
            )
    return followup


def followups_cancel_open(*, case: Case, reason: str, by: Actor) -> int:
    """Cancel the case's scheduled follow-ups; return how many.

    Closing and reopening a case cause it inside their transaction (through
    `complaints.hooks`); the caller holds the case row locked.
    """
    ids = list(
        FollowUp.objects.filter(case=case, status=FollowUpStatus.SCHEDULED).values_list(
            "pk", flat=True
        )
    )
    if ids:
        FollowUp.objects.filter(pk__in=ids).update(
            status=FollowUpStatus.CANCELLED, next_check_at=None
        )
        record_event(
            case, EventKind.FOLLOWUPS_CANCELLED, by=by, followup_ids=ids, reason=reason
        )
    return len(ids)


def followups_scheduled(*, case: Case) -> bool:
    """Whether the case has a follow-up still scheduled."""
    return FollowUp.objects.filter(case=case, status=FollowUpStatus.SCHEDULED).exists()


def followup_proposals(*, case: Case, start: datetime | None = None) -> list[datetime]:
    """Propose follow-up times after resolution from the policy's cadence."""
    start = start or case.resolved_at or timezone.now()
    days = (
        case.sla_policy.followup_days
        if case.sla_policy_id and case.sla_policy
        else settings.REDRESS_FOLLOWUP_DAYS
    )
    return [start + timedelta(days=int(d)) for d in days]


def _touch(case: Case) -> None:
    # The case's follow-ups are part of what its version (the ETag) stands for.
    case_version_bump(case, fields=[])


def _may_see(user: AbstractBaseUser, case: Case) -> bool:
    return staff_who_may_see(case).filter(pk=user.pk).exists()
