"""Staff notifications (the in-app list) and the outbox that delivers email.

An `Outbox` row is written in the same transaction as whatever caused it (a
warning, an escalation, a reminder), so nothing is promised that the database
does not remember. A task delivers it and marks it sent; a row that keeps
failing ends `dead` (the dead-letter list in the admin).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    SLA_WARNING = "sla_warning", _("Deadline near")
    SLA_BREACHED = "sla_breached", _("Deadline breached")
    SLA_ESCALATED = "sla_escalated", _("Escalated again")
    FOLLOWUP_DUE = "followup_due", _("Follow-up due")
    FOLLOWUP_OVERDUE = "followup_overdue", _("Follow-up overdue")
    TRIAGE = "triage", _("Case to route")
    CUSTOMER_REPLIED = "customer_replied", _("Customer wrote")
    STATUTORY_WARNING = "statutory_warning", _("Statutory deadline near")
    STATUTORY_BREACHED = "statutory_breached", _("Statutory deadline missed")
    APPROVAL_REQUESTED = "approval_requested", _("Offer waiting for your approval")
    OFFER_ACCEPTED = "offer_accepted", _("Customer accepted an offer")
    OFFER_DECLINED = "offer_declined", _("Customer declined an offer")
    OFFER_COUNTERED = "offer_countered", _("Customer countered an offer")
    OFFER_APPROVED = "offer_approved", _("Your offer was approved")
    OFFER_REJECTED = "offer_rejected", _("Your offer was rejected")
    ASSIGNED = "assigned", _("Case assigned to you")
    PROBLEM_OPENED = "problem_opened", _("Problem opened")
    PROMISE_DUE = "promise_due", _("Promise due")
    PROMISE_BROKEN = "promise_broken", _("Promise broken")
    LETTER_APPROVAL = "letter_approval", _("Letter waiting for your approval")
    LETTER_APPROVED = "letter_approved", _("Your letter was approved")
    LETTER_REFUSED = "letter_refused", _("Your letter was not approved")


class Notification(models.Model):
    """One line of a staff member's in-app notification list."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    case = models.ForeignKey(
        "complaints.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"], name="notification_recipient"
            ),
            models.Index(
                fields=["recipient"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailPreference(models.Model):
    """Which kinds of notification a staff member also wants by email.

    No row means every kind (the default); the in-app list always has them all.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_preference",
    )
    kinds = models.JSONField(
        default=list,
        blank=True,
        help_text=_("The notification kinds sent by email too."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {', '.join(self.kinds) or 'no email'}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    DEAD = "dead", _("Dead letter")


class Outbox(models.Model):
    """One email to deliver; `key` names the firing it belongs to (unique)."""

    key = models.CharField(
        max_length=200,
        unique=True,
        help_text=_(
            "What caused it, e.g. deadline:12:warning:user:3; never sent twice."
        ),
    )
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html = models.TextField(blank=True, help_text=_("The HTML part, if any."))
    headers = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Extra headers: Reply-To, In-Reply-To, References."),
    )
    case = models.ForeignKey(
        "complaints.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notification = models.ForeignKey(
        Notification,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(
        help_text=_("Not before this instant (backoff after a failure).")
    )
    enqueued_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When a delivery task was last queued for it."),
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox email")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject} ({self.status})"

    @property
    def message_id(self) -> str:
        """A stable Message-ID, so a rare repeat after a crash is one mail to clients."""
        return f"<outbox-{self.pk}.{self.key.replace(':', '-')}@redress>"
