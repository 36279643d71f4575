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
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from complaints.actors import Actor
from complaints.models import EventKind
from complaints.services import case_escalate
from complaints.timeline import record_event, record_events
from notifications.models import NotificationKind
from notifications.outbox import outbox_enqueue_on_commit
from notifications.selectors import all_managers, case_watchers
from notifications.services import NotificationBatch
from sla.businesstime import BusinessCalendar, add_business_time
from sla.models import Deadline, DeadlineKind
from sla.services import calendar_id_of, calendar_spec_by_id, next_check
from teams.selectors import team_leads

logger = logging.getLogger(__name__)
SYSTEM = Actor.system("process_due")
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

    def merge(self, other: "PassReport") -> None:
        """Add another (batch) report's counts and lines to this one."""
        for item in fields(self):
            mine = getattr(self, item.name)
            if isinstance(mine, int):
                setattr(self, item.name, mine + getattr(other, item.name))
        self.lines += other.lines

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
        self._leads: dict[int | None, list] = {}
        self._managers: list | None = None

    def spec(self, case, policy) -> BusinessCalendar:
        """The calendar of the case's clocks (the process-wide calendar cache)."""
        return calendar_spec_by_id(calendar_id_of(case, policy))

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


class Firings:
    """The timeline events and notifications of a batch, written on flush."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, str, dict[str, Any]]] = []
        self.notes = NotificationBatch()

    def flush(self) -> list[int]:
        """Write them (one INSERT per table); return the new outbox ids."""
        record_events(self.events, by=SYSTEM)
        self.events = []
        return self.notes.flush()


FireOne = Callable[..., None]


def fire_batch(
    *,
    model: Any,
    related: tuple[str, ...],
    limit: int,
    fire: FireOne,
    update_fields: list[str],
    now: datetime,
    report: PassReport,
    cache: PassCache,
    enqueue: bool,
) -> tuple[int, list[int]]:
    """Claim up to `limit` due rows of `model` (by `next_check_at`, with their
    case locked and `related` joined), fire each, write everything in one
    transaction; return how many rows were claimed and the outbox ids.

    Writes are batched (one UPDATE of the claimed rows, one INSERT each of
    events, notifications and emails). If anything fails, the batch rolls
    back and is fired again row by row, each in a savepoint, so one bad row
    is skipped (and retried later) without stalling the rest. A cheap
    unlocked look at the index comes first: most passes find nothing there.
    """

    def claim() -> list:
        return list(
            model.objects.select_for_update(skip_locked=True, of=("self", "case"))
            .select_related(*related)
            .filter(next_check_at__lte=now)
            .order_by("next_check_at")[:limit]
        )

    if not model.objects.filter(next_check_at__lte=now).exists():
        return 0, []
    batch = PassReport(at=now)
    try:
        with transaction.atomic():
            rows = claim()
            firings = Firings()
            for row in rows:
                fire(row, now=now, report=batch, cache=cache, firings=firings)
            if rows:
                rows_update(rows, update_fields)
            outbox = firings.flush()
            if enqueue:
                outbox_enqueue_on_commit(outbox)
    except Exception:
        logger.exception("due pass batch failed; firing it row by row")
        return _fire_one_by_one(claim, fire, update_fields, now, report, cache, enqueue)
    report.merge(batch)
    return len(rows), outbox


def rows_update(rows: list, update_fields: list[str]) -> None:
    """Save `update_fields` of many rows of one model in a single statement.

    On PostgreSQL an `UPDATE … FROM (VALUES …)`; Django's `bulk_update` builds
    a CASE per field and row, which costs more than the firings themselves.
    """
    model = type(rows[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_update(rows, update_fields)
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in update_fields]
    sets = ", ".join(
        f'"{f.column}" = v."{f.column}"::{f.db_type(connection)}' for f in columns
    )
    names = ", ".join(f'"{f.column}"' for f in columns)
    row_sql = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    params: list = []
    for row in rows:
        params.append(row.pk)
        params.extend(getattr(row, f.attname) for f in columns)
    sql = (
        f'UPDATE "{meta.db_table}" AS t SET {sets} '  # noqa: S608 (model names)
        f"FROM (VALUES {', '.join([row_sql] * len(rows))}) AS v(pk, {names}) "
        f'WHERE t."{meta.pk.column}" = v.pk'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _fire_one_by_one(claim, fire, update_fields, now, report, cache, enqueue):
    outbox: list[int] = []
    with transaction.atomic():
        rows = claim()
        for row in rows:
            single = PassReport(at=now)
            try:
                with transaction.atomic():
                    firings = Firings()
                    fire(row, now=now, report=single, cache=cache, firings=firings)
                    row.save(update_fields=update_fields)
                    outbox += firings.flush()
            except Exception:  # one bad row must not stall the pass
                logger.exception("due pass failed on %s %s", type(row).__name__, row.pk)
                report.errors += 1
                type(row).objects.filter(pk=row.pk).update(
                    next_check_at=now + RETRY_FAILED_AFTER
                )
                continue
            report.merge(single)
        if enqueue:
            outbox_enqueue_on_commit(outbox)
    return len(rows), outbox


DEADLINE_FIELDS = [
    "warned_at",
    "breached_at",
    "escalate_again_at",
    "escalated_again_at",
    "next_check_at",
]


def deadlines_fire_batch(
    *, now: datetime, limit: int, report: PassReport, cache: PassCache, enqueue: bool
) -> tuple[int, list[int]]:
    """Claim up to `limit` due deadlines, fire their due steps, commit.

    Return how many rows were claimed and the outbox ids written.
    """
    return fire_batch(
        model=Deadline,
        related=("case", "case__assignee", "case__team", "case__sla_policy"),
        limit=limit,
        fire=deadline_fire,
        update_fields=DEADLINE_FIELDS,
        now=now,
        report=report,
        cache=cache,
        enqueue=enqueue,
    )


def deadline_fire(
    deadline: Deadline,
    *,
    now: datetime,
    report: PassReport,
    cache: PassCache,
    firings: Firings,
) -> None:
    """Fire what is due on one claimed deadline (the caller saves the row).

    A breach supersedes a warning not yet sent (the warning is marked done
    without a message); a breach whose escalation has also run out escalates
    twice in the same pass.
    """
    case = deadline.case
    if deadline.is_running and case.is_open:
        spec = cache.spec(case, case.sla_policy)
        if deadline.breached_at is None and deadline.due_at <= now:
            _breach(deadline, now, report, cache, spec, firings)
        elif deadline.warned_at is None and deadline.warn_at <= now:
            _warn(deadline, now, report, spec, firings)
        # Also right after a breach, when the pass ran late.
        if _escalation_ran_out(deadline, now):
            _escalate_again(deadline, now, report, cache, spec, firings)
    deadline.next_check_at = next_check(deadline) if case.is_open else None


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


def _warn(deadline, now, report, spec, firings: Firings) -> None:
    case = deadline.case
    deadline.warned_at = now
    recipients = case_watchers(case)
    firings.events.append(
        (
            case,
            EventKind.SLA_WARNING,
            {
                "deadline": deadline.kind,
                "due_at": deadline.due_at.isoformat(),
                "notified": [u.get_username() for u in recipients],
            },
        )
    )
    report.warnings += 1
    report.lines.append(f"warned {case.reference} {deadline.kind}")
    firings.notes.add(
        recipients=recipients,
        kind=NotificationKind.SLA_WARNING,
        key=f"deadline:{deadline.pk}:warning",
        context=_context(deadline, spec),
        case=case,
        now=now,
    )


def _breach(deadline, now, report, cache, spec, firings: Firings) -> None:
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
        EventKind.SLA_BREACHED,
        by=SYSTEM,
        deadline=deadline.kind,
        due_at=deadline.due_at.isoformat(),
        escalate_again_at=deadline.escalate_again_at.isoformat(),
    )
    case_escalate(case=case, level=1, by=SYSTEM, reason=f"{label} deadline missed")
    report.breaches += 1
    report.lines.append(f"breached {case.reference} {deadline.kind} -> level 1")
    firings.notes.add(
        recipients=cache.leads(case),
        kind=NotificationKind.SLA_BREACHED,
        key=f"deadline:{deadline.pk}:breach",
        context=_context(deadline, spec),
        case=case,
        now=now,
    )


def _escalate_again(deadline, now, report, cache, spec, firings: Firings) -> None:
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
    firings.notes.add(
        recipients=cache.managers(),
        kind=NotificationKind.SLA_ESCALATED,
        key=f"deadline:{deadline.pk}:escalation",
        context=_context(deadline, spec),
        case=case,
        now=now,
    )
