"""The due pass for statutory clocks: warn before, breach at the due time.

Registered with `scheduler.engine.due_batch_register`, so every due pass claims due
`StatutoryDeadline` rows exactly as it claims SLA deadlines (`sla.due.fire_batch`:
`SELECT … FOR UPDATE SKIP LOCKED` on the partial index of `next_check_at`), and
stamps each firing (`warned_at`, `breached_at`) in the same transaction as its
timeline event and notifications: each fires exactly once. Statutory clocks
never pause for the customer. A clock met by a letter stops; so does one whose
case was closed as a duplicate or withdrawn (the complaint ended without a
response being owed).
"""

from datetime import datetime

from complaints.models import CloseReason, EventKind
from complaints.services import case_escalate
from notifications.models import NotificationKind
from notifications.selectors import case_watchers
from scheduler.deadlines import SYSTEM, Firings, PassCache, PassReport, fire_batch

from .clocks import RegimeCalendar
from .models import StatutoryDeadline
from .services import next_check

FIELDS = ["warned_at", "breached_at", "next_check_at"]
ENDED = (CloseReason.DUPLICATE, CloseReason.WITHDRAWN)


def statutory_fire_batch(
    *, now: datetime, limit: int, report: PassReport, cache: PassCache, enqueue: bool
) -> tuple[int, list[int]]:
    """Claim up to `limit` due statutory clocks, warn or breach, commit."""
    return fire_batch(
        model=StatutoryDeadline,
        related=("case", "case__assignee", "case__team", "regime"),
        limit=limit,
        fire=statutory_fire,
        update_fields=FIELDS,
        now=now,
        report=report,
        cache=cache,
        enqueue=enqueue,
    )


def statutory_fire(
    row: StatutoryDeadline,
    *,
    now: datetime,
    report: PassReport,
    cache: PassCache,
    firings: Firings,
) -> None:
    """Fire what is due on one claimed clock (the caller saves the row)."""
    case = row.case
    if case.close_reason in ENDED or row.met_at:
        row.next_check_at = None
        return
    if row.breached_at is None and row.due_at <= now:
        _breach(row, now, report, cache, firings)
    elif row.warned_at is None and row.warn_at <= now:
        _warn(row, now, report, firings)
    row.next_check_at = next_check(row)


def _context(row: StatutoryDeadline) -> dict:
    zone = RegimeCalendar.of(row.regime).zone
    return {
        "clock": row,
        "regime": row.regime,
        "due_local": row.due_at.astimezone(zone).strftime("%a %d %b %Y %H:%M %Z"),
    }


def _warn(row, now, report, firings: Firings) -> None:
    case = row.case
    row.warned_at = now
    recipients = case_watchers(case)
    firings.events.append(
        (
            case,
            EventKind.STATUTORY_WARNING,
            {
                "clock": row.kind,
                "regime": row.regime.code,
                "due_at": row.due_at.isoformat(),
            },
        )
    )
    report.warnings += 1
    report.lines.append(f"statutory warning {case.reference} {row.kind}")
    firings.notes.add(
        recipients=recipients,
        kind=NotificationKind.STATUTORY_WARNING,
        key=f"statutory:{row.pk}:warning",
        context=_context(row),
        case=case,
        now=now,
    )


def _breach(row, now, report, cache, firings: Firings) -> None:
    case = row.case
    row.breached_at = now
    row.warned_at = row.warned_at or now  # superseded, not sent
    firings.events.append(
        (
            case,
            EventKind.STATUTORY_BREACHED,
            {
                "clock": row.kind,
                "regime": row.regime.code,
                "due_at": row.due_at.isoformat(),
            },
        )
    )
    case_escalate(
        case=case, level=1, by=SYSTEM, reason=f"statutory {row.kind} deadline missed"
    )
    report.breaches += 1
    report.lines.append(f"statutory breach {case.reference} {row.kind}")
    recipients = [*case_watchers(case), *cache.leads(case)]
    firings.notes.add(
        recipients=recipients,
        kind=NotificationKind.STATUTORY_BREACHED,
        key=f"statutory:{row.pk}:breach",
        context=_context(row),
        case=case,
        now=now,
    )
