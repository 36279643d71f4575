"""Writes for notifications: create them with their emails, deliver, mark read.

Creating writes rows only (call it inside the transaction that records the
firing); `outbox_enqueue_on_commit` hands the new outbox ids to the worker
after commit, and a broker that is down costs nothing but a log line: the due
pass re-queues whatever stays pending (`outbox_requeue_stale`).
"""

import logging
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification, Outbox, OutboxStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
"""Failed deliveries before an email is dead-lettered."""
STALE_AFTER = timedelta(minutes=3)
"""A queued email still pending this long is queued again by the due pass."""
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)


def render_message(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Render `emails/<template>_subject.txt` and `emails/<template>.txt`."""
    subject = render_to_string(f"emails/{template}_subject.txt", context)
    body = render_to_string(f"emails/{template}.txt", context)
    return re.sub(r"\s+", " ", subject).strip()[:300], body.strip()


def notifications_create(
    *,
    recipients: Iterable[AbstractBaseUser],
    kind: str,
    key: str,
    context: dict[str, Any],
    case: Any = None,
    now: datetime,
    email: bool = True,
) -> list[int]:
    """Add an in-app notification for each recipient, and an email to those with one.

    `key` names the firing (e.g. `deadline:7:warning`); each email's outbox key
    extends it with the recipient, and a repeat raises IntegrityError rather
    than mailing twice. Return the new outbox ids (to enqueue after commit).
    """
    recipients = _distinct(recipients)
    if not recipients:
        return []
    url = case.get_absolute_url() if case is not None else ""
    subject, body = render_message(kind, {**context, "case": case})
    notes = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            case=case,
            kind=kind,
            title=subject[:200],
            body=body,
            url=url,
            created_at=now,
        )
        for user in recipients
    )
    if not email:
        return []
    footer = render_to_string(
        "emails/staff_footer.txt", {"link": f"{settings.SITE_URL}{url}"}
    )
    mails = [
        _outbox(
            key=f"{key}:user:{user.pk}",
            to=user.email,
            subject=subject,
            body=body + footer,
            case=case,
            notification=note,
            now=now,
        )
        for user, note in zip(recipients, notes, strict=True)
        if user.email
    ]
    return [row.pk for row in Outbox.objects.bulk_create(mails)]


def email_queue(
    *,
    to: str,
    template: str,
    key: str,
    context: dict[str, Any],
    case: Any = None,
    now: datetime,
) -> int:
    """Queue one email rendered from `template` (e.g. to a customer); return its id."""
    subject, body = render_message(template, {**context, "case": case})
    row = _outbox(key=key, to=to, subject=subject, body=body, case=case, now=now)
    row.save()
    return row.pk


def outbox_enqueue_on_commit(ids: list[int]) -> None:
    """After the current transaction commits, queue delivery of these emails."""
    if ids:
        transaction.on_commit(lambda: outbox_publish(ids))


def outbox_publish(ids: list[int]) -> bool:
    """Queue a delivery task now; log and return False if the broker is down.

    Never raises: the rows are in the database and the due pass re-queues them.
    """
    from .tasks import deliver_outbox

    try:
        deliver_outbox.apply_async(args=[list(ids)], retry=False)
    except Exception:  # any broker failure; the outbox keeps the work
        logger.warning("broker unavailable; %d email(s) left to the sweep", len(ids))
        return False
    return True


def outbox_deliver_many(*, ids: Iterable[int]) -> dict[str, int]:
    """Deliver each pending email among `ids` over one mail connection.

    Return counts by outcome (`sent`, `failed`, `dead`, `skipped`).
    """
    counts = {"sent": 0, "failed": 0, "dead": 0, "skipped": 0}
    connection = get_connection()
    try:
        for outbox_id in ids:
            counts[outbox_deliver(outbox_id=outbox_id, connection=connection)] += 1
    finally:
        connection.close()
    return counts


def outbox_deliver(*, outbox_id: int, connection: Any = None) -> str:
    """Send one pending email and mark it sent; idempotent.

    The row stays locked while sending, so a second worker skips it; a row
    already sent, dead, or locked by another delivery is skipped. A failure is
    recorded with a backoff, and after MAX_ATTEMPTS the row is dead-lettered.
    Returns `sent`, `failed`, `dead` or `skipped`; never raises for a send error.
    """
    with transaction.atomic():
        row = (
            Outbox.objects.select_for_update(skip_locked=True)
            .filter(pk=outbox_id, status=OutboxStatus.PENDING)
            .first()
        )
        if row is None:
            return "skipped"
        now = timezone.now()
        row.attempts += 1
        try:
            _send(row, connection)
        except Exception as exc:  # any transport error is recorded, not raised
            return _record_failure(row, exc, now)
        row.status = OutboxStatus.SENT
        row.sent_at = now
        row.last_error = ""
        row.save(update_fields=["status", "sent_at", "attempts", "last_error"])
    return "sent"


def outbox_requeue_stale(
    *, stale_after: timedelta = STALE_AFTER, limit: int = 5000
) -> list[int]:
    """Mark pending emails that nobody has queued lately as queued; return their ids.

    The caller publishes them (after commit). Covers a lost broker message, a
    dead worker and the retry backoff. Uses the wall clock, not a pass's `--at`.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Outbox.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
            .exclude(enqueued_at__gt=now - stale_after)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Outbox.objects.filter(pk__in=ids).update(enqueued_at=now)
    return ids


def outbox_retry_dead(*, ids: Iterable[int]) -> int:
    """Give dead-lettered emails a fresh set of attempts; return how many."""
    now = timezone.now()
    return Outbox.objects.filter(pk__in=list(ids), status=OutboxStatus.DEAD).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, enqueued_at=None
    )


def notification_mark_read(*, notification: Notification, user: Any) -> bool:
    """Mark the user's own notification read; return False if it is not theirs."""
    mine = Notification.objects.filter(pk=notification.pk, recipient=user)
    mine.filter(read_at__isnull=True).update(read_at=timezone.now())
    return mine.exists()


def notifications_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of the user read; return how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _send(row: Outbox, connection: Any) -> None:
    message = EmailMessage(
        subject=row.subject,
        body=row.body,
        to=[row.to],
        connection=connection,
        headers={"Message-ID": row.message_id, "X-Redress-Key": row.key},
    )
    message.send()


def _record_failure(row: Outbox, exc: Exception, now: datetime) -> str:
    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if row.attempts >= MAX_ATTEMPTS:
        row.status = OutboxStatus.DEAD
        outcome = "dead"
        logger.error("email %s dead-lettered: %s", row.pk, row.last_error)
    else:
        row.next_attempt_at = now + min(
            BACKOFF_BASE * 2 ** (row.attempts - 1), BACKOFF_MAX
        )
        row.enqueued_at = None
        outcome = "failed"
        logger.warning("email %s failed (%d): %s", row.pk, row.attempts, row.last_error)
    row.save(
        update_fields=[
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "enqueued_at",
        ]
    )
    return outcome


def _outbox(**fields: Any) -> Outbox:
    fields.pop("now")
    now = timezone.now()  # delivery bookkeeping runs on the wall clock
    return Outbox(created_at=now, next_attempt_at=now, enqueued_at=now, **fields)


def _distinct(users: Iterable[AbstractBaseUser]) -> list[AbstractBaseUser]:
    seen: dict[int, AbstractBaseUser] = {}
    for user in users:
        if user is not None and user.is_active:
            seen.setdefault(user.pk, user)
    return list(seen.values())
