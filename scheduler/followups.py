"""The due pass for follow-ups: remind the owner when due, escalate when overdue.

A phone follow-up becomes a notification (in-app and email) for its owner; an
email follow-up sends the customer the satisfaction survey link and tells the
owner in-app. A follow-up still scheduled one business day after it was due
(`followup_overdue_at`) escalates the case to the team lead. Claimed and
recorded like deadlines (see `scheduler.deadlines`): skip-locked rows, the firing stamped
on the row in the same transaction as its events and outbox rows.
"""

from datetime import datetime

from complaints.links import survey_url
from complaints.models import EventKind
from complaints.services import case_escalate
from complaints.timeline import record_event
from followups.models import FollowUp, FollowUpChannel, FollowUpStatus
from notifications.models import NotificationKind
from sla.businesstime import BusinessCalendar, add_business_time, business_day

from .deadlines import SYSTEM, Firings, PassCache, PassReport, fire_batch, local

FOLLOWUP_FIELDS = ["reminded_at", "escalated_at", "next_check_at"]


def followup_overdue_at(followup: FollowUp, spec: BusinessCalendar) -> datetime:
    """Return when a follow-up not done counts as overdue: one business day after due.

    One business day is the calendar's mean opening time per open day (8 hours
    of a 9-to-5 calendar; 24 hours when always open), counted in business time.
    """
    return add_business_time(followup.due_at, business_day(spec), spec)


def followups_fire_batch(
    *, now: datetime, limit: int, report: PassReport, cache: PassCache, enqueue: bool
) -> tuple[int, list[int]]:
    """Claim up to `limit` due follow-ups, remind or escalate, commit.

    Return how many rows were claimed and the outbox ids written.
    """

    return fire_batch(
        model=FollowUp,
        related=(
            "case",
            "case__customer",
            "case__team",
            "case__assignee",
            "case__sla_policy",
            "owner",
        ),
        limit=limit,
        fire=followup_fire,
        update_fields=FOLLOWUP_FIELDS,
        now=now,
        report=report,
        cache=cache,
        enqueue=enqueue,
    )


def followup_fire(
    followup: FollowUp,
    *,
    now: datetime,
    report: PassReport,
    cache: PassCache,
    firings: Firings,
) -> None:
    """Fire what is due on one claimed follow-up (the caller saves the row)."""
    if followup.status != FollowUpStatus.SCHEDULED:
        followup.next_check_at = None
        return
    spec = cache.spec(followup.case, followup.case.sla_policy)
    overdue_at = followup_overdue_at(followup, spec)
    if followup.reminded_at is None and followup.due_at <= now:
        _remind(followup, now, report, cache, spec, firings)
    if followup.escalated_at is None and overdue_at <= now:
        _escalate(followup, now, report, cache, spec, firings)
    followup.next_check_at = None if followup.escalated_at else overdue_at
    if followup.reminded_at is None:
        followup.next_check_at = followup.due_at


def _context(followup: FollowUp, spec: BusinessCalendar) -> dict:
    customer = followup.case.customer
    return {
        "followup": followup,
        "channel_label": FollowUpChannel(followup.channel).label,
        "customer_name": customer.name,
        "customer_phone": customer.phone,
        "due_local": local(followup.due_at, spec),
        "owner": followup.owner.get_username() if followup.owner_id else "",
    }


def _owners(followup: FollowUp, cache: PassCache) -> list:
    owner = followup.owner
    if owner is not None and owner.is_active:
        return [owner]
    case = followup.case
    if case.assignee_id and case.assignee.is_active:
        return [case.assignee]
    return cache.leads(case)


def _remind(followup, now, report, cache, spec, firings: Firings) -> None:
    case = followup.case
    customer = case.customer
    followup.reminded_at = now
    survey_sent = (
        followup.channel == FollowUpChannel.EMAIL
        and customer.consent_to_contact
        and bool(customer.email)
    )
    if survey_sent:
        firings.notes.add_email(
            to=customer.email,
            template="followup_survey",
            key=f"followup:{followup.pk}:survey",
            context={
                "customer_name": customer.name,
                "survey_url": survey_url(followup),
            },
            case=case,
        )
    recipients = _owners(followup, cache)
    firings.notes.add(
        recipients=recipients,
        kind=NotificationKind.FOLLOWUP_DUE,
        key=f"followup:{followup.pk}:reminder",
        context=_context(followup, spec),
        case=case,
        now=now,
        email=followup.channel == FollowUpChannel.PHONE,
    )
    firings.events.append(
        (
            case,
            EventKind.FOLLOWUP_REMINDER_SENT,
            {
                "followup_id": followup.pk,
                "channel": followup.channel,
                "survey_sent": survey_sent,
                "notified": [u.get_username() for u in recipients],
            },
        )
    )
    report.reminders += 1
    report.lines.append(f"reminded {case.reference} follow-up {followup.pk}")


def _escalate(followup, now, report, cache, spec, firings: Firings) -> None:
    case = followup.case
    followup.escalated_at = now
    record_event(
        case,
        EventKind.FOLLOWUP_OVERDUE,
        by=SYSTEM,
        followup_id=followup.pk,
        due_at=followup.due_at.isoformat(),
    )
    if case.is_open:
        case_escalate(case=case, level=1, by=SYSTEM, reason="follow-up overdue")
    report.followup_escalations += 1
    report.lines.append(f"escalated {case.reference} overdue follow-up {followup.pk}")
    firings.notes.add(
        recipients=cache.leads(case),
        kind=NotificationKind.FOLLOWUP_OVERDUE,
        key=f"followup:{followup.pk}:overdue",
        context=_context(followup, spec),
        case=case,
        now=now,
    )
