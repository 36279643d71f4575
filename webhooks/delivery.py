"""Deliver one outbox row: claim it, POST it signed, record the attempt.

The claim is a short transaction (`SELECT … FOR UPDATE SKIP LOCKED`) that
leases the row by pushing its due time past the request's longest life, so no
transaction stays open while a receiver thinks. The attempt is then written in
one transaction with the delivery's new state: delivered (never sent again),
retried later with exponential backoff and jitter, or failed for good after
about 27 hours. A worker that dies mid-request leaves the lease to expire and
the beat sends the row again, with the same `webhook-id`.

While a subscription keeps failing, new events do not each wait out a timeout:
one probe at a time goes out (`PROBE_EVERY`), the rest wait their turn; after
`WEBHOOK_PAUSE_AFTER_HOURS` of failures it is paused and its owner told.
"""

import functools
import logging
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from teams.actors import Actor

from . import guard
from .models import (
    DeliveryStatus,
    SubscriptionStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from .signing import signature_header

logger = logging.getLogger(__name__)

BACKOFF = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
"""Waits after the 1st, 2nd … failed attempt (plus up to 20% jitter); 8 tries
over at least 27.5 hours, then the delivery fails for good."""
JITTER = 0.2
SOON = timedelta(seconds=60)
"""A retry due sooner than this is queued with a countdown; later ones by the beat."""
LEASE = timedelta(seconds=90)
"""How long a claimed row stays out of others' reach (longer than any attempt)."""
PROBE_EVERY = timedelta(seconds=60)
BODY_LIMIT = 1024
USER_AGENT = "Redress-Webhooks/1.0"

_local = threading.local()


@dataclass
class Outcome:
    status_code: int | None = None
    error: str = ""
    body: str = ""
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return (
            not self.error
            and self.status_code is not None
            and 200 <= self.status_code < 300
        )


def timeout() -> float:
    return float(getattr(settings, "WEBHOOK_TIMEOUT", 10.0))


def backoff(failed_attempts: int) -> timedelta | None:
    """The wait after `failed_attempts` failures, with jitter; None when exhausted."""
    if failed_attempts > len(BACKOFF):
        return None
    return BACKOFF[failed_attempts - 1] * (1 + random.uniform(0, JITTER))


def delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> str:
    """Try one due delivery once; return `delivered`, `retry`, `failed` or `skipped`.

    Skipped: not pending, not due, taken by another worker, its subscription
    paused, or waiting for its failing subscription's next probe.
    """
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return "skipped"
    started = time.monotonic()
    outcome = _post(delivery, delivery.subscription, now)
    elapsed = timedelta(seconds=time.monotonic() - started)
    return _record(delivery_id, outcome, now + elapsed)


def _claim(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    return _claim_usual(delivery_id, now) or _claim_any(delivery_id, now)


def _claim_usual(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    """The usual claim, in one statement: a pending, due delivery of an active
    subscription of a client not revoked, its subscription not failing (or
    this delivery tried before). None sends the caller to `_claim_any`, which
    also decides a failing subscription's probe (and finds nothing to claim
    for a row that is not claimable: delivered, not due, or another worker's).

    It saves the ORM's compiling of a joined `SELECT … FOR UPDATE` and an
    `UPDATE`, and two round trips: that was most of a delivery's own time.
    """
    sql, delivery_fields, subscription_fields = _claim_statement()
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                delivery_id,
                DeliveryStatus.PENDING,
                now,
                SubscriptionStatus.ACTIVE,
                now + LEASE,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(delivery_fields)
    delivery = WebhookDelivery.from_db(connection.alias, delivery_fields, row[:split])
    delivery.subscription = WebhookSubscription.from_db(
        connection.alias, subscription_fields, row[split:]
    )
    return delivery


# What a delivery attempt reads of its delivery and subscription.
CLAIMED = (
    *("id", "subscription_id", "event_id", "event_type", "payload", "status"),
    *("attempts", "backoff_from", "next_attempt_at", "queued_until"),
)
CLAIMED_SUBSCRIPTION = (
    *("id", "client_id", "url", "secret", "previous_secret"),
    *("previous_secret_expires_at", "status", "failing_since", "next_probe_at"),
)


@functools.cache
def _claim_statement() -> tuple[str, list[str], list[str]]:
    """The usual claim's SQL (names from the models), and the attnames it returns."""
    quote = connection.ops.quote_name

    def columns(model, attnames: tuple[str, ...], alias: str) -> list[str]:
        meta = model._meta
        return [f"{alias}.{quote(meta.get_field(a).column)}" for a in attnames]

    def column(model, attname: str) -> str:
        return quote(model._meta.get_field(attname).column)

    delivery = quote(WebhookDelivery._meta.db_table)
    subscription = quote(WebhookSubscription._meta.db_table)
    client_model = WebhookSubscription._meta.get_field("client").related_model
    client = quote(client_model._meta.db_table)
    d, s = WebhookDelivery, WebhookSubscription
    returned = [
        *columns(d, CLAIMED, "d"),
        *columns(s, CLAIMED_SUBSCRIPTION, "s"),
    ]
    # Every name is the models', every value a parameter.
    sql = (
        f"WITH c AS (SELECT d.id FROM {delivery} d "  # noqa: S608
        f"JOIN {subscription} s ON s.id = d.{column(d, 'subscription_id')} "
        f"JOIN {client} a ON a.{quote(client_model._meta.pk.column)} "
        f"= s.{column(s, 'client_id')} "
        f"WHERE d.id = %s AND d.{column(d, 'status')} = %s "
        f"AND d.{column(d, 'next_attempt_at')} <= %s "
        f"AND s.{column(s, 'status')} = %s AND NOT a.{column(client_model, 'revoked')} "
        f"AND (s.{column(s, 'failing_since')} IS NULL "
        f"OR d.{column(d, 'attempts')} > 0) "
        f"FOR UPDATE OF d SKIP LOCKED) "
        f"UPDATE {delivery} d SET {column(d, 'next_attempt_at')} = %s "
        f"FROM c, {subscription} s "
        f"WHERE d.id = c.id AND s.id = d.{column(d, 'subscription_id')} "
        f"RETURNING {', '.join(returned)}"
    )
    return sql, list(CLAIMED), list(CLAIMED_SUBSCRIPTION)


def _claim_any(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription")
            .filter(
                pk=delivery_id,
                status=DeliveryStatus.PENDING,
                next_attempt_at__lte=now,
                subscription__status=SubscriptionStatus.ACTIVE,
                subscription__client__revoked=False,
            )
            .first()
        )
        if delivery is None:
            return None
        subscription = delivery.subscription
        if subscription.failing_since and delivery.attempts == 0:
            probe = WebhookSubscription.objects.filter(
                Q(next_probe_at__isnull=True) | Q(next_probe_at__lte=now),
                pk=subscription.pk,
            ).update(next_probe_at=now + PROBE_EVERY)
            if not probe:
                wait = timedelta(seconds=random.uniform(0, 30))
                delivery.next_attempt_at = (subscription.next_probe_at or now) + wait
                delivery.queued_until = None
                delivery.save(update_fields=["next_attempt_at", "queued_until"])
                return None
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["next_attempt_at"])
    return delivery


def _secrets(subscription: WebhookSubscription, now: datetime) -> list[str]:
    secrets = [subscription.secret]
    expires = subscription.previous_secret_expires_at
    if subscription.previous_secret and expires and expires > now:
        secrets.append(subscription.previous_secret)
    return secrets


def _post(
    delivery: WebhookDelivery, subscription: WebhookSubscription, now: datetime
) -> Outcome:
    stamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": signature_header(
            _secrets(subscription, now),
            msg_id=delivery.event_id,
            timestamp=stamp,
            body=delivery.payload,
        ),
    }
    limit = timeout()
    started = time.monotonic()
    outcome = Outcome()
    try:
        with _session().post(
            subscription.url,
            data=delivery.payload.encode(),
            headers=headers,
            timeout=limit,
            allow_redirects=False,
            stream=True,
        ) as response:
            outcome.status_code = response.status_code
            raw = response.raw.read(BODY_LIMIT, decode_content=True) or b""
            outcome.body = raw.decode("utf-8", "replace").replace("\x00", "")
    except guard.UnsafeDestination as exc:
        outcome.error = f"refused: {exc}"
    except requests.Timeout:
        outcome.error = f"no answer within {limit:g} s"
    except (requests.RequestException, OSError) as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"[:500]
    seconds = time.monotonic() - started
    outcome.duration_ms = int(seconds * 1000)
    if not outcome.error and seconds > limit:
        outcome.error = f"no answer within {limit:g} s"
    return outcome


def _session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = guard.session_new()
    return session


# What recording an attempt changes on its delivery.
RECORDED = (
    *("attempts", "status", "delivered_at", "next_attempt_at", "queued_until"),
    "last_error",
)


def _record(delivery_id: int, outcome: Outcome, now: datetime) -> str:
    if outcome.ok:
        return _delivered(delivery_id, outcome, now)
    retry_in: timedelta | None = None
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("subscription")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:  # its subscription was deleted meanwhile
            return "skipped"
        delivery.attempts += 1
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            status_code=outcome.status_code,
            error=outcome.error[:500],
            response_body=outcome.body,
            duration_ms=outcome.duration_ms,
            succeeded=outcome.ok,
            created_at=now,
        )
        result, retry_in = _failed(delivery, outcome, now)
        delivery.save(update_fields=RECORDED)
    if retry_in is not None and retry_in <= SOON:
        from .tasks import deliveries_enqueue

        deliveries_enqueue([delivery.pk], countdown=retry_in.total_seconds())
    return result


def _delivered(delivery_id: int, outcome: Outcome, now: datetime) -> str:
    """Record a successful attempt, in one statement: the attempt logged under
    the next number, the delivery delivered (once: a delivery sent again
    keeps its first delivery time) and never due again, and its subscription's
    run of failures ended. "skipped" if the delivery was deleted meanwhile."""
    with connection.cursor() as cursor:
        cursor.execute(
            _delivered_statement(),
            {
                "id": delivery_id,
                "pending": DeliveryStatus.PENDING,
                "delivered": DeliveryStatus.DELIVERED,
                "now": now,
                "status_code": outcome.status_code,
                "body": outcome.body,
                "duration_ms": outcome.duration_ms,
            },
        )
        recorded = cursor.fetchone()
    return "delivered" if recorded else "skipped"


@functools.cache
def _delivered_statement() -> str:
    quote = connection.ops.quote_name
    delivery = quote(WebhookDelivery._meta.db_table)
    attempt = quote(WebhookAttempt._meta.db_table)
    subscription = quote(WebhookSubscription._meta.db_table)

    def col(model, attname: str) -> str:
        return quote(model._meta.get_field(attname).column)

    d, a, s = WebhookDelivery, WebhookAttempt, WebhookSubscription
    status, attempts = col(d, "status"), col(d, "attempts")
    # Every name is the models', every value a parameter.
    return (
        f"WITH u AS (UPDATE {delivery} SET {attempts} = {attempts} + 1, "  # noqa: S608
        f"{status} = CASE WHEN {status} = %(pending)s THEN %(delivered)s "
        f"ELSE {status} END, "
        f"{col(d, 'delivered_at')} = CASE WHEN {status} = %(pending)s "
        f"THEN %(now)s ELSE {col(d, 'delivered_at')} END, "
        f"{col(d, 'next_attempt_at')} = NULL, {col(d, 'queued_until')} = NULL, "
        f"{col(d, 'last_error')} = '' "
        f"WHERE id = %(id)s RETURNING id, {attempts}, "
        f"{col(d, 'subscription_id')} AS subscription_id), "
        f"ended AS (UPDATE {subscription} SET {col(s, 'failing_since')} = NULL, "
        f"{col(s, 'next_probe_at')} = NULL "
        f"WHERE id = (SELECT subscription_id FROM u) "
        f"AND {col(s, 'failing_since')} IS NOT NULL) "
        f"INSERT INTO {attempt} ({col(a, 'delivery_id')}, {col(a, 'number')}, "
        f"{col(a, 'status_code')}, {col(a, 'error')}, {col(a, 'response_body')}, "
        f"{col(a, 'duration_ms')}, {col(a, 'succeeded')}, {col(a, 'created_at')}) "
        f"SELECT id, {attempts}, %(status_code)s, '', %(body)s, %(duration_ms)s, "
        f"true, %(now)s FROM u RETURNING id"
    )


def _failed(
    delivery: WebhookDelivery, outcome: Outcome, now: datetime
) -> tuple[str, timedelta | None]:
    delivery.last_error = (outcome.error or f"HTTP {outcome.status_code}")[:500]
    _subscription_failing(delivery.subscription, now)
    if delivery.status != DeliveryStatus.PENDING:
        return str(delivery.status), None
    wait = backoff(delivery.attempts - delivery.backoff_from)
    if wait is None:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        delivery.queued_until = None
        return "failed", None
    delivery.next_attempt_at = now + wait
    delivery.queued_until = now + wait + LEASE if wait <= SOON else None
    return "retry", wait


def _subscription_failing(subscription: WebhookSubscription, now: datetime) -> None:
    """Note the run of failures; pause the subscription when it has lasted too long."""
    WebhookSubscription.objects.filter(
        pk=subscription.pk, failing_since__isnull=True
    ).update(failing_since=now)
    hours = float(getattr(settings, "WEBHOOK_PAUSE_AFTER_HOURS", 12))
    paused = WebhookSubscription.objects.filter(
        pk=subscription.pk,
        status=SubscriptionStatus.ACTIVE,
        failing_since__lte=now - timedelta(hours=hours),
    ).update(status=SubscriptionStatus.PAUSED, paused_at=now)
    if paused:
        from .services import subscription_paused_notify

        transaction.on_commit(
            lambda: subscription_paused_notify(
                subscription_id=subscription.pk, by=Actor.system("webhook-delivery")
            )
        )
