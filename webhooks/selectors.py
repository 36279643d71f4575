"""Reads of webhooks: a client sees only its own subscriptions and their attempts."""

from django.db.models import QuerySet

from api.models import ApiClient

from .models import WebhookAttempt, WebhookSubscription


def subscriptions_of(client: ApiClient | None) -> QuerySet[WebhookSubscription]:
    """The subscriptions of `client` (none without a client, e.g. a browser session)."""
    if client is None:
        return WebhookSubscription.objects.none()
    return WebhookSubscription.objects.filter(client=client)


def attempts_of(subscription: WebhookSubscription) -> QuerySet[WebhookAttempt]:
    """Every delivery attempt to `subscription`, newest first."""
    return (
        WebhookAttempt.objects.filter(delivery__subscription=subscription)
        .select_related("delivery")
        .order_by("-created_at", "-id")
    )
