"""Writes of webhooks: subscribe, unsubscribe, rotate the secret, resume, send again.

The API and the admin call these; delivery itself lives in `webhooks.delivery`
and the fan-out from the event stream in `webhooks.fanout`.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from api.models import ApiClient
from notifications.outbox import outbox_enqueue_on_commit
from notifications.services import notifications_create
from teams.actors import By, as_actor
from teams.audit import audit

from . import guard
from .models import (
    DeliveryStatus,
    EventType,
    SubscriptionStatus,
    WebhookDelivery,
    WebhookSubscription,
)
from .signing import secret_new

logger = logging.getLogger(__name__)

ROTATION_OVERLAP = timedelta(hours=24)
MAX_SUBSCRIPTIONS = 20
"""Per API client, so a client cannot multiply the work of every event."""


class WebhookRefused(ValueError):
    """A subscription request that cannot be honoured; `field` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def subscription_create(
    *, client: ApiClient, url: str, events: Iterable[str], by: By
) -> tuple[WebhookSubscription, str]:
    """Subscribe `client` to `events` at `url`; return it and its secret (shown once).

    Raises WebhookRefused for an unsafe or unreachable URL, an unknown or empty
    event list, or a client at its subscription limit.
    """
    by = as_actor(by)
    events = list(dict.fromkeys(events))
    unknown = sorted(set(events) - set(EventType.values))
    if unknown or not events:
        detail = gettext("Choose one or more of %(types)s.") % {
            "types": ", ".join(EventType.values)
        }
        if unknown:
            detail += " " + gettext("Unknown: %(types)s.") % {
                "types": ", ".join(unknown)
            }
        raise WebhookRefused("events", detail)
    try:
        guard.url_check(url)
    except guard.UnsafeDestination as exc:
        raise WebhookRefused("url", str(exc)) from None
    if client.webhook_subscriptions.count() >= MAX_SUBSCRIPTIONS:
        raise WebhookRefused(
            "url",
            gettext("An API client may hold at most %(count)d webhooks.")
            % {"count": MAX_SUBSCRIPTIONS},
        )
    secret = secret_new()
    subscription = WebhookSubscription.objects.create(
        client=client, url=url, events=events, secret=secret
    )
    audit("webhook.created", by=by, subscription=subscription.pk, url=url)
    return subscription, secret


def subscription_delete(*, subscription: WebhookSubscription, by: By) -> None:
    """Remove the subscription with its deliveries; nothing more is sent to it."""
    audit("webhook.deleted", by=by, subscription=subscription.pk)
    subscription.delete()


@transaction.atomic
def subscription_rotate_secret(*, subscription: WebhookSubscription, by: By) -> str:
    """Issue a new secret; the current one keeps signing for 24 hours. Return it.

    Deliveries carry one signature per valid secret, so a receiver may switch
    whenever it likes within the day. Rotating again within the day drops the
    oldest secret at once.
    """
    by = as_actor(by)
    subscription = WebhookSubscription.objects.select_for_update().get(
        pk=subscription.pk
    )
    secret = secret_new()
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
    subscription.secret = secret
    subscription.save(
        update_fields=[
            "secret",
            "previous_secret",
            "previous_secret_expires_at",
            "updated_at",
        ]
    )
    audit("webhook.secret_rotated", by=by, subscription=subscription.pk)
    return secret


def subscription_resume(*, subscription: WebhookSubscription, by: By) -> int:
    """Resume a paused subscription; its waiting deliveries go out now. Return them."""
    audit("webhook.resumed", by=by, subscription=subscription.pk)
    now = timezone.now()
    with transaction.atomic():
        WebhookSubscription.objects.filter(pk=subscription.pk).update(
            status=SubscriptionStatus.ACTIVE,
            paused_at=None,
            failing_since=None,
            next_probe_at=None,
        )
        count = WebhookDelivery.objects.filter(
            subscription=subscription, status=DeliveryStatus.PENDING
        ).update(next_attempt_at=now, queued_until=None)
    return count


def deliveries_send_again(*, ids: Iterable[int], by: By) -> int:
    """Queue failed deliveries among `ids` again from the start of the backoff.

    A delivered event is never sent again to the same subscription, so only
    failed (retries exhausted) rows are taken; return how many.
    """
    by = as_actor(by)
    now = timezone.now()
    ids = list(
        WebhookDelivery.objects.filter(
            pk__in=list(ids), status=DeliveryStatus.FAILED
        ).values_list("pk", flat=True)
    )
    WebhookDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING,
        backoff_from=F("attempts"),
        next_attempt_at=now,
        queued_until=None,
    )
    audit("webhook.sent_again", by=by, deliveries=ids)
    return len(ids)


def subscription_paused_notify(*, subscription_id: int, by: By) -> None:
    """Tell the owner that their webhook is paused: log, and in-app if a user owns it."""
    actor = as_actor(by)
    subscription = (
        WebhookSubscription.objects.select_related("client", "client__user")
        .filter(pk=subscription_id)
        .first()
    )
    if subscription is None:
        return
    logger.warning(
        "webhook %s of API client %r paused after failing since %s (%s)",
        subscription.pk,
        subscription.client.name,
        subscription.failing_since,
        actor.label,
    )
    user = subscription.client.user
    if user is None or not user.is_active:
        return
    with transaction.atomic():
        ids = notifications_create(
            recipients=[user],
            kind="webhook_paused",
            key=f"webhook:{subscription.pk}:paused:{subscription.paused_at:%Y%m%d%H%M%S}",
            context={"subscription": subscription},
            now=timezone.now(),
        )
        outbox_enqueue_on_commit(ids)
