"""Celery tasks for webhooks: a thin interface to `webhooks.delivery`.

One task per delivery, so a slow receiver holds up only its own delivery; the
beat task queues whatever is due and not already queued, oldest due first.
"""

import logging
from collections.abc import Iterable
from datetime import datetime

from celery import shared_task
from django.db import DatabaseError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

PUBLISH_TIMEOUT = 2.0
DUE_BATCH = 500


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    max_retries=3,
)
def deliver_webhook(delivery_id: int) -> str:
    """Try the delivery once if it is due; its retries are scheduled by the outcome."""
    from .delivery import delivery_attempt

    return delivery_attempt(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def deliver_due_webhooks() -> int:
    """Queue a delivery task for every due delivery that has none queued."""
    return deliveries_queue_due()


def deliveries_queue_due(*, now: datetime | None = None, limit: int = DUE_BATCH) -> int:
    """Mark up to `limit` due deliveries queued and queue them; return how many."""
    from .fanout import QUEUED_GRACE
    from .models import DeliveryStatus, SubscriptionStatus, WebhookDelivery

    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status=DeliveryStatus.PENDING,
                next_attempt_at__lte=now,
                subscription__status=SubscriptionStatus.ACTIVE,
            )
            .exclude(queued_until__gt=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(
            queued_until=now + QUEUED_GRACE
        )
    deliveries_enqueue(ids)
    return len(ids)


def deliveries_enqueue(ids: Iterable[int], *, countdown: float = 0) -> bool:
    """Queue one delivery task per id; log and return False if the broker is down.

    Never raises: the rows stay due in the database and the beat queues them.
    """
    ids = list(ids)
    if not ids:
        return True
    app = deliver_webhook.app
    if app.conf.task_always_eager:
        for pk in ids:
            deliver_webhook.apply(args=[pk])
        return True
    options = {**(app.conf.broker_transport_options or {}), "max_retries": 0}
    try:
        with app.connection_for_write(
            connect_timeout=PUBLISH_TIMEOUT, transport_options=options
        ) as conn:
            for pk in ids:
                deliver_webhook.apply_async(
                    args=[pk], countdown=countdown or None, retry=False, connection=conn
                )
    except Exception:  # any broker failure; the outbox keeps the work
        logger.warning("broker unavailable; %d webhook(s) left to the beat", len(ids))
        return False
    return True
