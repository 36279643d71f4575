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

import logging
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from teams.actors import Actor

from . import guard, statements
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
    """The usual claim in one statement (`statements.claim_usual`), else the
    general one, which also decides a failing subscription's probe and finds
    nothing for a row that is not claimable."""
    usual = statements.claim_usual(delivery_id, now=now, lease_until=now + LEASE)
    return usual or _claim_any(delivery_id, now)


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
        recorded = statements.delivered_record(
            delivery_id,
            status_code=outcome.status_code,
            body=outcome.body,
            duration_ms=outcome.duration_ms,
            now=now,
        )
        return "delivered" if recorded else "skipped"
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
