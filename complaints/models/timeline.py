"""The append-only timeline of a case (a database trigger enforces it too)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .case import Case

APPEND_ONLY = "Timeline events are append-only."


class EventKind(models.TextChoices):
    """Every kind of timeline event; the label is how the timeline words it.

    `complaints.timeline.record_event` accepts nothing else, and whatever reacts
    to a change (webhooks, dashboards) subscribes to these kinds
    (`complaints.events`).
    """

    CASE_FILED = "case_filed", _("filed the complaint")
    ASSIGNED = "assigned", _("changed the assignee")
    CASE_EDITED = "case_edited", _("edited the case")
    STAGE_CHANGED = "stage_changed", _("moved the case")
    AWAITING_CUSTOMER = (
        "awaiting_customer",
        _("changed whether we wait on the customer"),
    )
    ESCALATED = "escalated", _("escalated the case")
    MESSAGE_ADDED = "message_added", _("added a message")
    CONSENT_CHANGED = "consent_changed", _("changed the consent to be contacted")
    OFFER_MADE = "offer_made", _("made an offer")
    OFFER_APPROVED = "offer_approved", _("approved an offer")
    OFFER_REJECTED = "offer_rejected", _("rejected an offer")
    OFFER_ACCEPTED = "offer_accepted", _("recorded that the customer accepted an offer")
    OFFER_DECLINED = "offer_declined", _("recorded that the customer declined an offer")
    OFFER_COUNTERED = "offer_countered", _("recorded the customer's counter-request")
    OFFER_WITHDRAWN = "offer_withdrawn", _("withdrew an offer")
    OFFER_FULFILLED = "offer_fulfilled", _("recorded that an offer was carried out")
    FOLLOWUP_SCHEDULED = "followup_scheduled", _("scheduled a follow-up")
    FOLLOWUP_COMPLETED = "followup_completed", _("recorded a follow-up")
    FOLLOWUPS_CANCELLED = "followups_cancelled", _("cancelled open follow-ups")
    FOLLOWUP_CANCELLED = "followup_cancelled", _("cancelled a follow-up")
    FOLLOWUP_REMINDER_SENT = "followup_reminder_sent", _("sent a follow-up reminder")
    FOLLOWUP_OVERDUE = "followup_overdue", _("recorded that a follow-up is overdue")
    SLA_WARNING = "sla_warning", _("warned that a deadline is near")
    SLA_BREACHED = "sla_breached", _("recorded a missed deadline")
    LINKS_REVOKED = "links_revoked", _("ended the customer's old links")
    ROUTED = "routed", _("routed the case to a team")
    RECEIVED_AT_CHANGED = (
        "received_at_changed",
        _("changed when the complaint was received"),
    )
    LETTER_SENT = "letter_sent", _("sent a letter")
    STATUTORY_WARNING = (
        "statutory_warning",
        _("warned that a statutory deadline is near"),
    )
    STATUTORY_BREACHED = "statutory_breached", _("recorded a missed statutory deadline")
    ATTACHMENT_ADDED = "attachment_added", _("attached a file")
    ATTACHMENT_SCANNED = "attachment_scanned", _("recorded a late virus-scan verdict")
    PROBLEM_LINKED = "problem_linked", _("linked the case to a problem")
    PROMISE_MADE = "promise_made", _("made a promise")
    PROMISE_KEPT = "promise_kept", _("kept a promise")
    PROMISE_REMINDED = "promise_reminded", _("reminded the owner of a promise")
    PROMISE_BROKEN = "promise_broken", _("recorded a broken promise")
    INCIDENT_LINKED = "incident_linked", _("linked the case to an incident")
    INCIDENT_CLOSED = "incident_closed", _("closed an incident the case is linked to")
    DUPLICATE_SUSPECTED = "duplicate_suspected", _("flagged a likely duplicate")
    DUPLICATE_CLEARED = "duplicate_cleared", _("cleared the likely-duplicate flag")
    MESSAGES_MOVED = "messages_moved", _("moved messages between merged cases")
    LEGAL_HOLD_PLACED = "legal_hold_placed", _("placed a legal hold")
    LEGAL_HOLD_LIFTED = "legal_hold_lifted", _("lifted a legal hold")
    CASE_ANONYMISED = "case_anonymised", _("anonymised the case after retention")
    SUBJECT_ACCESS_EXPORTED = (
        "subject_access_exported",
        _("exported the customer's data (subject access)"),
    )
    VULNERABILITY_RECORDED = (
        "vulnerability_recorded",
        _("recorded the customer's vulnerability and adjustments"),
    )
    REPRESENTATIVE_RECORDED = (
        "representative_recorded",
        _("recorded who represents the customer"),
    )
    LETTER_APPROVAL_REQUESTED = (
        "letter_approval_requested",
        _("asked a second person to approve a letter"),
    )
    LETTER_APPROVED = "letter_approved", _("approved a letter")
    LETTER_APPROVAL_REFUSED = (
        "letter_approval_refused",
        _("refused to approve a letter"),
    )


class EventQuerySet(models.QuerySet):
    """Refuse bulk edits and deletes before they reach the database.

    PostgreSQL's trigger refuses them too; SQLite's refuses only UPDATE (test
    flushes delete rows there), so the ORM is the guard both share.
    """

    def update(self, **kwargs):
        raise ValueError(APPEND_ONLY)

    def bulk_update(self, objs, fields, batch_size=None):
        raise ValueError(APPEND_ONLY)

    def delete(self):
        raise ValueError(APPEND_ONLY)

    delete.queryset_only = True


class Event(models.Model):
    """One append-only line of a case's timeline (enforced by a database trigger)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150)
    kind = models.CharField(max_length=40)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["case", "id"], name="event_case"),
            models.Index(fields=["kind", "created_at"], name="event_kind_created"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} by {self.actor_label}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(APPEND_ONLY)
