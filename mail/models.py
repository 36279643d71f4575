"""Every inbound message as received (raw bytes) with what became of it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    CREATED = "created", _("Filed a new case")
    APPENDED = "appended", _("Added to a case")
    IGNORED = "ignored", _("Ignored")
    REFUSED = "refused", _("Refused")


class InboundEmail(models.Model):
    """One message taken in; `dedupe_key` (Message-ID, else a digest) is never stored twice."""

    dedupe_key = models.CharField(max_length=500, unique=True)
    message_id = models.CharField(max_length=500, blank=True, db_index=True)
    sender = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=300, blank=True)
    raw = models.BinaryField()
    size = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True, help_text=_("The full text, quotes included."))
    html = models.TextField(blank=True, help_text=_("The HTML part, sanitised."))
    attachments = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=500, blank=True)
    case = models.ForeignKey(
        "complaints.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_emails",
    )
    case_message = models.ForeignKey(
        "complaints.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(
                fields=["sender", "received_at"], name="inbound_sender_recent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject} ({self.outcome})"


class TemplateKind(models.TextChoices):
    """The emails Redress sends customers; each has one editable template."""

    CONFIRMATION = "portal_confirmation", _("Complaint received")
    MESSAGE = "customer_message", _("A reply from the care team")
    OFFER = "offer_made", _("An offer to answer")
    RESOLVED = "case_resolved", _("Complaint resolved")
    CLOSED = "case_closed", _("Complaint closed")
    SURVEY = "followup_survey", _("Follow-up survey")


class EmailTemplate(models.Model):
    """Subject, text and HTML of one kind of customer email, in Django template syntax.

    The text and subject render without HTML escaping, the HTML part with it.
    """

    kind = models.CharField(max_length=40, choices=TemplateKind.choices, unique=True)
    subject = models.CharField(max_length=300)
    text = models.TextField(help_text=_("The plain-text part."))
    html = models.TextField(help_text=_("The HTML part."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self) -> None:
        from .outbound import template_errors

        errors = template_errors(self)
        if errors:
            from django.core.exceptions import ValidationError

            raise ValidationError(errors)
