"""Webhook subscriptions of API clients, their outbox of deliveries, every attempt.

A `WebhookDelivery` is one event for one subscription (unique together), so an
event is recorded, and delivered, at most once per subscription; each HTTP try
is a `WebhookAttempt`, written in the same transaction that marks the delivery
delivered or schedules its next try.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """The event types a subscription may ask for (CONTRACT §14)."""

    CASE_CREATED = "case.created", _("A case was filed")
    CASE_STAGE_CHANGED = "case.stage_changed", _("A case moved to another stage")
    CASE_ESCALATED = "case.escalated", _("A case was escalated")
    MESSAGE_CREATED = "message.created", _("A customer-facing or customer message")
    OFFER_CREATED = "offer.created", _("An offer was made")
    OFFER_STATUS_CHANGED = "offer.status_changed", _("An offer changed status")
    FOLLOWUP_COMPLETED = "followup.completed", _("A follow-up was recorded")
    PROBLEM_OPENED = "problem.opened", _("A problem was opened (reserved)")


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused (failing too long)")


class WebhookSubscription(models.Model):
    """Where an API client wants events, which ones, and the secret signing them.

    `secret` is shown to the client once; after a rotation `previous_secret`
    keeps signing too until `previous_secret_expires_at`.
    """

    client = models.ForeignKey(
        "api.ApiClient",
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        db_index=False,
    )
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(
        null=True, blank=True, editable=False
    )
    status = models.CharField(
        max_length=10, choices=SubscriptionStatus.choices, default="active"
    )
    failing_since = models.DateTimeField(
        null=True, blank=True, help_text=_("Start of the current run of failures.")
    )
    next_probe_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("While failing, new events wait until this one probe time."),
    )
    paused_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="webhook_client")
        ]

    def __str__(self) -> str:
        return f"{self.url} ({self.client_id})"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed (retries exhausted)")


class WebhookDelivery(models.Model):
    """One event to deliver to one subscription: the outbox row."""

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,
    )
    event_id = models.CharField(max_length=64, help_text=_("The webhook-id header."))
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    payload = models.TextField(help_text=_("The exact body sent on every attempt."))
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default="pending"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    backoff_from = models.PositiveSmallIntegerField(
        default=0, help_text=_("Attempts before the last 'send again'.")
    )
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    queued_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("A task is queued for it; the beat leaves it alone until then."),
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="webhook_delivery_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscription_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP try of a delivery: what the receiver answered, or the error."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        db_index=False,
    )
    number = models.PositiveSmallIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    response_body = models.TextField(blank=True, help_text=_("The first 1 KB."))
    duration_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="webhook_attempt_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
