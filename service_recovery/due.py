"""The due pass for promises: remind the owner before due, escalate a broken one.

Claimed and recorded like deadlines (see `scheduler.deadlines.fire_batch`): rows are taken
with `SELECT … FOR UPDATE SKIP LOCKED` by `next_check_at`, and each firing is
stamped on the row (`reminded_at`, `escalated_at`) in the same transaction as
its timeline event and notifications, so concurrent passes fire each once.
The notifications' outbox keys (`promise:<id>:reminder|broken:user:<id>`) are
unique as well.
"""

from datetime import datetime

from complaints.models import EventKind
from notifications.models import NotificationKind
from scheduler.deadlines import Firings, PassCache, PassReport, fire_batch, local

from .models import Promise
from .promises import remind_at

PROMISE_FIELDS = ["reminded_at", "escalated_at", "next_check_at"]


def promises_fire_batch(
    *, now: datetime, limit: int, report: PassReport, cache: PassCache, enqueue: bool
) -> tuple[int, list[int]]:
    """Claim up to `limit` due promises, remind or escalate, commit.

    Return how many rows were claimed and the outbox ids written.
    """
    return fire_batch(
        model=Promise,
        related=("case", "case__team", "case__sla_policy", "owner"),
        limit=limit,
        fire=promise_fire,
        update_fields=PROMISE_FIELDS,
        now=now,
        report=report,
        cache=cache,
        enqueue=enqueue,
    )


def promise_fire(
    promise: Promise,
    *,
    now: datetime,
    report: PassReport,
    cache: PassCache,
    firings: Firings,
) -> None:
    """Fire what is due on one claimed promise (the caller saves the row).

    Past its due time a reminder not yet sent is superseded by the escalation
    (marked done without a message).
    """
    if promise.kept_at is not None:
        promise.next_check_at = None
        return
    if promise.reminded_at is None and remind_at(promise.due_at) <= now:
        if promise.due_at > now:
            _remind(promise, now, report, cache, firings)
        promise.reminded_at = now
    if promise.escalated_at is None and promise.due_at <= now:
        _escalate(promise, now, report, cache, firings)
    if promise.escalated_at is not None:
        promise.next_check_at = None
    elif promise.reminded_at is not None:
        promise.next_check_at = promise.due_at
    else:
        promise.next_check_at = remind_at(promise.due_at)


def _context(promise: Promise, cache: PassCache) -> dict:
    spec = cache.spec(promise.case, promise.case.sla_policy)
    return {
        "promise": promise,
        "due_local": local(promise.due_at, spec),
        "owner": promise.owner.get_username(),
    }


def _remind(promise, now, report, cache, firings: Firings) -> None:
    case = promise.case
    owner = promise.owner
    recipients = [owner] if owner.is_active else cache.leads(case)
    firings.events.append(
        (
            case,
            EventKind.PROMISE_REMINDED,
            {
                "promise_id": promise.pk,
                "due_at": promise.due_at.isoformat(),
                "notified": [u.get_username() for u in recipients],
            },
        )
    )
    firings.notes.add(
        recipients=recipients,
        kind=NotificationKind.PROMISE_DUE,
        key=f"promise:{promise.pk}:reminder",
        context=_context(promise, cache),
        case=case,
        now=now,
    )
    report.reminders += 1
    report.lines.append(f"reminded {case.reference} promise {promise.pk}")


def _escalate(promise, now, report, cache, firings: Firings) -> None:
    case = promise.case
    promise.escalated_at = now
    recipients = cache.leads(case)
    firings.events.append(
        (
            case,
            EventKind.PROMISE_BROKEN,
            {
                "promise_id": promise.pk,
                "text": promise.text,
                "due_at": promise.due_at.isoformat(),
                "notified": [u.get_username() for u in recipients],
            },
        )
    )
    firings.notes.add(
        recipients=recipients,
        kind=NotificationKind.PROMISE_BROKEN,
        key=f"promise:{promise.pk}:broken",
        context=_context(promise, cache),
        case=case,
        now=now,
    )
    report.escalations += 1
    report.lines.append(f"broken promise {case.reference} {promise.pk} -> leads")
