"""The due pass for SLA deadlines: warn, escalate at the breach, escalate again.

Rows are claimed with `SELECT … FOR UPDATE SKIP LOCKED` on the partial index
of `Deadline.next_check_at`, so concurrent passes (two beats, a worker and the
command) never take the same row, and the cost follows the work due, not the
number of cases. Each firing is recorded on the row (`warned_at`,
`breached_at`, `escalated_again_at`) in the same transaction as its timeline
event, its notifications and their outbox rows; delivery is queued only after
commit.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from complaints.actors import Actor
from complaints.services import case_escalate
from complaints.timeline import record_event
from notifications.models import NotificationKind
from notifications.selectors import all_managers, case_watchers
from notifications.services import notifications_create, outbox_enqueue_on_commit
from teams.selectors import team_leads

from .businesstime import BusinessCalendar, add_business_time
from .models import Calendar, Deadline, DeadlineKind
from .services import calendar_of, calendar_spec, next_check

logger = logging.getLogger(__name__)
SYSTEM = Actor.system()
RETRY_FAILED_AFTER = timedelta(minutes=5)
DEFAULT_ESCALATION_MINUTES = 240


@dataclass
class PassReport:
    """What one due pass did (printed by `process_due`)."""

    at: datetime
    warnings: int = 0
    breaches: int = 0
    escalations: int = 0
    reminders: int = 0
    followup_escalations: int = 0
    errors: int = 0
    requeued: int = 0
    delivered: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    @property
    def firings(self) -> int:
        return (
            self.warnings
            + self.breaches
            + self.escalations
            + self.reminders
            + self.followup_escalations
        )


class PassCache:
    """Calendars, leads and managers read once per pass rather than once per row."""

    def __init__(self) -> None:
        self._specs: dict[int | None, BusinessCalendar] = {}
        self._leads: dict[int | None, list] = {}
        self._managers: list | None = None

    def spec(self, case, policy) -> BusinessCalendar:
        calendar = calendar_of(case, policy)
        key = calendar.pk if calendar else None
        if key not in self._specs:
            if calendar is not None:
                calendar = Calendar.objects.prefetch_related("hours", "holidays").get(
                    pk=key
                )
            self._specs[key] = calendar_spec(calendar)
        return self._specs[key]

    def leads(self, case) -> list:
        if case.team_id not in self._leads:
            self._leads[case.team_id] = list(team_leads(case.team))
        return self._leads[case.team_id] or self.managers()

    def managers(self) -> list:
        if self._managers is None:
            self._managers = all_managers()
        return self._managers


def local(moment: datetime | None, spec: BusinessCalendar) -> str:
    """Format an instant in the calendar's time zone for a message."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(spec.tz)).strftime("%a %d %b %Y %H:%M %Z")


def deadlines_fire_batch(
    *, now: datetime, limit: int, report: PassReport, cache: PassCache, enqueue: bool
) -> tuple[int, list[int]]:
    """Claim up to `limit` due deadlines, fire their due steps, commit.

    Return how many rows were claimed and the outbox ids written.
    """
    outbox: list[int] = []
    with transaction.atomic():
        batch = list(
            Deadline.objects.select_for_update(skip_locked=True, of=("self", "case"))
            .select_related("case", "case__assignee", "case__team", "case__sla_policy")
            .filter(next_check_at__lte=now)
            .order_by("next_check_at")[:limit]
        )
        for deadline in batch:
            try:
                with transaction.atomic():
                    outbox += deadline_fire(
                        deadline=deadline, now=now, report=report, cache=cache
                    )
            except Exception:  # one bad row must not stall the pass
                logger.exception("due pass failed on deadline %s", deadline.pk)
                report.errors += 1
                Deadline.objects.filter(pk=deadline.pk).update(
                    next_check_at=now + RETRY_FAILED_AFTER
                )
        if enqueue:
            outbox_enqueue_on_commit(outbox)
    return len(batch), outbox


def deadline_fire(
    *, deadline: Deadline, now: datetime, report: PassReport, cache: PassCache
) -> list[int]:
    """Fire what is due on one claimed deadline; return the outbox ids written.

    A breach supersedes a warning not yet sent (the warning is marked done
    without a message); a breach whose escalation has also run out escalates
    twice in the same pass.
    """
    case = deadline.case
    outbox: list[int] = []
    if deadline.is_running and case.is_open:
        spec = cache.spec(case, case.sla_policy)
        if deadline.breached_at is None and deadline.due_at <= now:
            outbox += _breach(deadline, now, report, cache, spec)
        elif deadline.warned_at is None and deadline.warn_at <= now:
            outbox += _warn(deadline, now, report, spec)
        # Also right after a breach, when the pass ran late.
        if _escalation_ran_out(deadline, now):
            outbox += _escalate_again(deadline, now, report, cache, spec)
    deadline.next_check_at = next_check(deadline) if case.is_open else None
    deadline.save(
        update_fields=[
            "warned_at",
            "breached_at",
            "escalate_again_at",
            "escalated_again_at",
            "next_check_at",
        ]
    )
    return outbox


def _escalation_ran_out(deadline: Deadline, now: datetime) -> bool:
    again = deadline.escalate_again_at
    return bool(
        deadline.breached_at
        and deadline.escalated_again_at is None
        and again is not None
        and again <= now
    )


def _context(deadline: Deadline, spec: BusinessCalendar) -> dict:
    case = deadline.case
    return {
        "deadline": deadline,
        "kind_label": DeadlineKind(deadline.kind).label,
        "due_local": local(deadline.due_at, spec),
        "again_local": local(deadline.escalate_again_at, spec),
        "assignee": case.assignee.get_username() if case.assignee_id else "",
    }


def _warn(deadline, now, report, spec) -> list[int]:
    case = deadline.case
    deadline.warned_at = now
    recipients = case_watchers(case)
    record_event(
        case,
        "sla_warning",
        by=SYSTEM,
        deadline=deadline.kind,
        due_at=deadline.due_at.isoformat(),
        notified=[u.get_username() for u in recipients],
    )
    report.warnings += 1
    report.lines.append(f"warned {case.reference} {deadline.kind}")
    return notifications_create(
        recipients=recipients,
        kind=NotificationKind.SLA_WARNING,
        key=f"deadline:{deadline.pk}:warning",
        context=_context(deadline, spec),
        case=case,
        now=now,
    )


def _breach(deadline, now, report, cache, spec) -> list[int]:
    case = deadline.case
    policy = case.sla_policy
    minutes = policy.escalation_minutes if policy else DEFAULT_ESCALATION_MINUTES
    deadline.breached_at = now
    deadline.warned_at = deadline.warned_at or now  # superseded, not sent
    deadline.escalate_again_at = add_business_time(
        deadline.due_at, timedelta(minutes=minutes), spec
    )
    label = DeadlineKind(deadline.kind).label.lower()
    record_event(
        case,
        "sla_breached",
        by=SYSTEM,
        deadline=deadline.kind,
        due_at=deadline.due_at.isoformat(),
        escalate_again_at=deadline.escalate_again_at.isoformat(),
    )
    case_escalate(case=case, level=1, by=SYSTEM, reason=f"{label} deadline missed")
    report.breaches += 1
    report.lines.append(f"breached {case.reference} {deadline.kind} -> level 1")
    return notifications_create(
        recipients=cache.leads(case),
        kind=NotificationKind.SLA_BREACHED,
        key=f"deadline:{deadline.pk}:breach",
        context=_context(deadline, spec),
        case=case,
        now=now,
    )


def _escalate_again(deadline, now, report, cache, spec) -> list[int]:
    case = deadline.case
    deadline.escalated_again_at = now
    label = DeadlineKind(deadline.kind).label.lower()
    case_escalate(
        case=case,
        level=2,
        by=SYSTEM,
        reason=f"{label} deadline still missed after escalation",
    )
    report.escalations += 1
    report.lines.append(f"escalated {case.reference} {deadline.kind} -> level 2")
    return notifications_create(
        recipients=cache.managers(),
        kind=NotificationKind.SLA_ESCALATED,
        key=f"deadline:{deadline.pk}:escalation",
        context=_context(deadline, spec),
        case=case,
        now=now,
    )
