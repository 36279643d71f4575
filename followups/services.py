"""Writes to follow-ups: schedule (with consent, never twice at one time), complete,
cancel; and the proposed times (inside the calendar's opening hours).

Completing with `unsatisfied` reopens the case through the lifecycle.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

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


def _status_word(status: str) -> str:
    """The follow-up's status as a refusal names it (its label)."""
    return str(FollowUpStatus(status).label)


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
        raise FollowUpRefused(
            gettext("Unknown channel %(channel)r.") % {"channel": channel}, ["channel"]
        )
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
                gettext("This follow-up cannot be scheduled: %(missing)s")
                % {"missing": ", ".join(missing)},
                missing,
            )
        booked = case.followups.filter(status=FollowUpStatus.SCHEDULED, due_at=due_at)
        if booked.exists():
            raise FollowUpRefused(
                gettext("A follow-up is already booked at that time."),
                ["a free time"],
            )
        owner = owner or case.assignee or actor.user
        if owner is not None and not _may_see(owner, case):
            raise FollowUpRefused(
                gettext(
                    "The follow-up's owner must be staff who may see %(reference)s; "
                    "%(name)s may not."
                )
                % {"reference": case.reference, "name": owner.get_username()},
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

    An email survey is the customer's to answer (the survey page records it
    as the customer); staff record one only after it is due and with a reason.
    Raises FollowUpRefused when it is not scheduled or the input is invalid,
    InvalidInput for an unstorable note.
    """
    text_check(note, field="note")
    actor = as_actor(by)
    if outcome not in Outcome.values:
        raise FollowUpRefused(
            gettext("Unknown outcome %(outcome)r.") % {"outcome": outcome}, ["outcome"]
        )
    if csat is not None and not (isinstance(csat, int) and 1 <= csat <= 5):
        raise FollowUpRefused(gettext("Satisfaction is a score from 1 to 5."), ["csat"])
    with transaction.atomic():
        case = case_lock(followup.case_id)
        followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if followup.status != FollowUpStatus.SCHEDULED:
            raise FollowUpRefused(
                gettext("This follow-up is “%(status)s”.")
                % {"status": _status_word(followup.status)},
                ["scheduled"],
            )
        _survey_check(followup, actor, note)
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


def followup_cancel(*, followup: FollowUp, by: By, reason: str = "") -> FollowUp:
    """Cancel one scheduled follow-up.

    Raises FollowUpRefused unless it is scheduled, InvalidInput for an
    unstorable reason.
    """
    text_check(reason, field="reason")
    actor = as_actor(by)
    with transaction.atomic():
        case = case_lock(followup.case_id)
        followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if followup.status != FollowUpStatus.SCHEDULED:
            raise FollowUpRefused(
                gettext(
                    "This follow-up is “%(status)s”; only a scheduled one is cancelled."
                )
                % {"status": _status_word(followup.status)},
                ["scheduled"],
            )
        followup.status = FollowUpStatus.CANCELLED
        followup.next_check_at = None
        followup.result_note = reason.strip()
        followup.save(update_fields=["status", "next_check_at", "result_note"])
        record_event(
            case,
            EventKind.FOLLOWUP_CANCELLED,
            by=actor,
            followup_id=followup.pk,
            due_at=followup.due_at.isoformat(),
            reason=reason.strip(),
        )
        _touch(case)
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


def followup_proposals(
    *,
    case: Case,
    start: datetime | None = None,
    opening: Callable[[datetime], datetime] | None = None,
) -> list[datetime]:
    """Propose follow-up times after resolution from the policy's cadence.

    `opening` moves a time into the opening hours of the case's calendar
    (the caller passes `sla.services.case_next_open`, a room this one does not
    import); a time already booked is not offered again.
    """
    start = start or case.resolved_at or timezone.now()
    days = (
        case.sla_policy.followup_days
        if case.sla_policy_id and case.sla_policy
        else settings.REDRESS_FOLLOWUP_DAYS
    )
    booked = set(
        case.followups.filter(status=FollowUpStatus.SCHEDULED).values_list(
            "due_at", flat=True
        )
    )
    proposals = []
    for day in days:
        when = start + timedelta(days=int(day))
        if opening is not None:
            when = opening(when)
        when = when.replace(second=0, microsecond=0)
        if when not in booked and when not in proposals:
            proposals.append(when)
    return proposals


def _survey_check(followup: FollowUp, actor: Actor, note: str) -> None:
    """Refuse staff recording an email survey early, or without a reason."""
    if followup.channel != FollowUpChannel.EMAIL or actor.label == "customer":
        return
    if followup.due_at > timezone.now():
        raise FollowUpRefused(
            gettext("The survey is not due yet: the customer answers it themself."),
            ["survey due"],
        )
    if not note.strip():
        raise FollowUpRefused(
            gettext(
                "The customer has not answered the survey: say how you know the "
                "outcome."
            ),
            ["note"],
        )


def _touch(case: Case) -> None:
    # The case's follow-ups are part of what its version (the ETag) stands for.
    case_version_bump(case, fields=[])


def _may_see(user: AbstractBaseUser, case: Case) -> bool:
    return staff_who_may_see(case).filter(pk=user.pk).exists()
