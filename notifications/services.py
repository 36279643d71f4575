"""Writes for notifications: create them with their emails, deliver, mark read.

Creating writes rows only (call it inside the transaction that records the
firing); `notifications.outbox.outbox_enqueue_on_commit` hands the new outbox
ids to the worker after commit, and a broker that is down costs nothing but a
log line: the due pass re-queues whatever stays pending
(`outbox_requeue_stale`). What the emails say is rendered by
`notifications.rendering`.
"""

import contextlib
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext

from teams.models import StaffProfile

from .models import (
    EmailPreference,
    Notification,
    NotificationKind,
    Outbox,
    OutboxStatus,
)
from .rendering import render_customer_email, render_message

logger = logging.getLogger(__name__)

OUTCOMES = ("sent", "failed", "dead", "skipped")
DELIVERY_CHUNK = 20
"""Emails sent per transaction. A worker killed mid-chunk leaves the chunk
pending, so up to this many may be sent again (with the same Message-ID);
the outbox itself marks each row sent exactly once."""
MAX_ATTEMPTS = 6
"""Failed deliveries before an email is dead-lettered."""
STALE_AFTER = timedelta(minutes=3)
"""A queued email still pending this long is queued again by the due pass."""
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)


class NotificationBatch:
    """Collect notifications and their emails; write them in two INSERTs on flush.

    The due pass adds every firing of a batch here, so the database sees one
    round trip per table rather than one per firing.
    """

    def __init__(self) -> None:
        self._notes: list[Notification] = []
        self._mails: list[tuple[Notification | None, Outbox]] = []
        self._languages: dict[int, str] = {}

    def add(
        self,
        *,
        recipients: Iterable[AbstractBaseUser],
        kind: str,
        key: str,
        context: dict[str, Any],
        case: Any = None,
        now: datetime,
        email: bool = True,
    ) -> None:
        """Notify each active recipient in-app, and by email those with an address.

        `key` names the firing (e.g. `deadline:7:warning`); each email's outbox
        key extends it with the recipient, so a repeat fails (IntegrityError)
        rather than mailing twice.
        """
        recipients = _distinct(recipients)
        if not recipients:
            return
        url = case.get_absolute_url() if case is not None else ""
        rendered: dict[str, tuple[str, str, str]] = {}
        for user in recipients:
            language = self._language_of(user, recipients)
            if language not in rendered:
                # In the recipient's language, whoever's request caused it.
                with translation.override(language):
                    subject, body = render_message(kind, {**context, "case": case})
                    footer = "\n\n" + gettext("Open the case: %(url)s") % {
                        "url": f"{settings.SITE_URL}{url}"
                    }
                rendered[language] = (subject, body, footer + "\n— Redress")
            subject, body, footer = rendered[language]
            note = Notification(
                recipient=user,
                case=case,
                kind=kind,
                title=subject[:200],
                body=body,
                url=url,
                created_at=now,
            )
            self._notes.append(note)
            if email and user.email:
                mail = _outbox(
                    key=f"{key}:user:{user.pk}",
                    to=user.email,
                    subject=subject,
                    body=body + footer,
                    case=case,
                )
                self._mails.append((note, mail))

    def add_email(
        self, *, to: str, template: str, key: str, context: dict[str, Any], case: Any
    ) -> None:
        """Queue one email to a customer rendered from `template`."""
        rendered = render_customer_email(template, context, case)
        self._mails.append((None, _outbox(key=key, to=to, case=case, **rendered)))

    def _language_of(
        self, user: AbstractBaseUser, recipients: list[AbstractBaseUser]
    ) -> str:
        """The staff member's chosen language, else the site's (one query per
        batch for the recipients it has not seen yet)."""
        if user.pk not in self._languages:
            unseen = [r.pk for r in recipients if r.pk not in self._languages]
            self._languages.update(dict.fromkeys(unseen, settings.LANGUAGE_CODE))
            self._languages.update(
                StaffProfile.objects.filter(user_id__in=unseen)
                .exclude(language="")
                .values_list("user_id", "language")
            )
        return self._languages[user.pk]

    def flush(self) -> list[int]:
        """Write what was collected; return the new outbox ids."""
        Notification.objects.bulk_create(self._notes)
        muted = _email_muted({note.recipient_id for note, _ in self._mails if note})
        mails = []
        for note, mail in self._mails:
            if note is not None and note.kind in muted.get(note.recipient_id, ()):
                continue
            mail.notification = note
            mails.append(mail)
        ids = [row.pk for row in Outbox.objects.bulk_create(mails)]
        self._notes, self._mails = [], []
        return ids


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
    """Notify staff now (see `NotificationBatch.add`); return the new outbox ids."""
    batch = NotificationBatch()
    batch.add(
        recipients=recipients,
        kind=kind,
        key=key,
        context=context,
        case=case,
        now=now,
        email=email,
    )
    return batch.flush()


def email_queue(
    *,
    to: str,
    template: str,
    key: str,
    context: dict[str, Any],
    case: Any = None,
) -> int:
    """Queue one email to a customer rendered from `template`; return its id."""
    rendered = render_customer_email(template, context, case)
    row = _outbox(key=key, to=to, case=case, **rendered)
    row.save()
    return row.pk


def outbox_deliver_many(*, ids: Iterable[int]) -> dict[str, int]:
    """Deliver the pending emails among `ids`, DELIVERY_CHUNK per transaction.

    Return counts by outcome (`sent`, `failed`, `dead`, `skipped`).
    """
    ids = list(ids)
    counts = dict.fromkeys(OUTCOMES, 0)
    connection = get_connection()
    with contextlib.suppress(Exception):  # a send failure is recorded per row
        connection.open()
    try:
        for start in range(0, len(ids), DELIVERY_CHUNK):
            chunk = _deliver_chunk(ids[start : start + DELIVERY_CHUNK], connection)
            for outcome, count in chunk.items():
                counts[outcome] += count
    finally:
        connection.close()
    return counts


def outbox_deliver(*, outbox_id: int, connection: Any = None) -> str:
    """Send one pending email and mark it sent; idempotent.

    Returns `sent`, `failed`, `dead` or `skipped`; never raises for a send error.
    """
    counts = _deliver_chunk([outbox_id], connection or get_connection())
    return next(outcome for outcome, count in counts.items() if count)


def _deliver_chunk(ids: list[int], connection: Any) -> dict[str, int]:
    """Lock the chunk's pending rows, send each, mark the sent ones, commit.

    Rows stay locked while sending, so a second worker skips them (SKIP
    LOCKED); rows already sent, dead or locked elsewhere count as skipped. A
    failure is recorded with a backoff, dead-lettered after MAX_ATTEMPTS.
    """
    counts = dict.fromkeys(OUTCOMES, 0)
    with transaction.atomic():
        rows = list(
            Outbox.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, status=OutboxStatus.PENDING)
            .order_by("pk")
        )
        counts["skipped"] = len(ids) - len(rows)
        now = timezone.now()
        sent = []
        for row in rows:
            row.attempts += 1
            try:
                _send(row, connection)
            except Exception as exc:  # any transport error is recorded, not raised
                counts[_record_failure(row, exc, now)] += 1
                continue
            sent.append(row.pk)
        if sent:
            Outbox.objects.filter(pk__in=sent).update(
                status=OutboxStatus.SENT,
                sent_at=now,
                attempts=F("attempts") + 1,
                last_error="",
            )
        counts["sent"] = len(sent)
    return counts


def outbox_requeue_stale(
    *, stale_after: timedelta = STALE_AFTER, limit: int = 5000
) -> list[int]:
    """Mark pending emails that nobody has queued lately as queued; return their ids.

    The caller publishes them (after commit). Covers a lost broker message, a
    dead worker and the retry backoff. Uses the wall clock, not a pass's `--at`.
    """
    now = timezone.now()
    stale = Outbox.objects.filter(
        status=OutboxStatus.PENDING, next_attempt_at__lte=now
    ).exclude(enqueued_at__gt=now - stale_after)
    if not stale.exists():  # the usual case: no lock, no transaction
        return []
    with transaction.atomic():
        ids = list(
            stale.select_for_update(skip_locked=True)
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
    headers = dict(row.headers or {})
    reply_to = headers.pop("Reply-To", "")
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        to=[row.to],
        connection=connection,
        reply_to=[reply_to] if reply_to else None,
        headers={**headers, "Message-ID": row.message_id, "X-Redress-Key": row.key},
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
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
    now = timezone.now()  # delivery bookkeeping runs on the wall clock
    return Outbox(created_at=now, next_attempt_at=now, enqueued_at=now, **fields)


def _email_muted(user_ids: set[int]) -> dict[int, set[str]]:
    """The kinds each of these users chose not to get by email (one query)."""
    if not user_ids:
        return {}
    every = set(NotificationKind.values)
    return {
        user_id: every - set(kinds)
        for user_id, kinds in EmailPreference.objects.filter(
            user_id__in=user_ids
        ).values_list("user_id", "kinds")
    }


def email_preference_set(*, user: AbstractBaseUser, kinds: Iterable[str]) -> list[str]:
    """Send `user` by email only the notification kinds in `kinds`; return them.

    Unknown kinds are dropped. The in-app list keeps every kind.
    """
    chosen = [kind for kind in NotificationKind.values if kind in set(kinds)]
    EmailPreference.objects.update_or_create(user=user, defaults={"kinds": chosen})
    return chosen


def _distinct(users: Iterable[AbstractBaseUser]) -> list[AbstractBaseUser]:
    seen: dict[int, AbstractBaseUser] = {}
    for user in users:
        if user is not None and user.is_active:
            seen.setdefault(user.pk, user)
    return list(seen.values())
