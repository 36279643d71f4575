"""The append-only timeline of a case (a database trigger enforces it too)."""

from django.conf import settings
from django.db import models

from .case import Case

APPEND_ONLY = "Timeline events are append-only."


class EventKind(models.TextChoices):
    """Every kind of timeline event; the label is how the timeline words it.

    `complaints.timeline.record_event` accepts nothing else, and whatever reacts
    to a change (webhooks, dashboards) subscribes to these kinds
    (`complaints.events`).
    """

    CASE_FILED = "case_filed", "filed the complaint"
    ASSIGNED = "assigned", "changed the assignee"
    CASE_EDITED = "case_edited", "edited the case"
    STAGE_CHANGED = "stage_changed", "moved the case"
    AWAITING_CUSTOMER = (
        "awaiting_customer",
        "changed whether we wait on the customer",
    )
    ESCALATED = "escalated", "escalated the case"
    MESSAGE_ADDED = "message_added", "added a message"
    CONSENT_CHANGED = "consent_changed", "changed the consent to be contacted"
    OFFER_MADE = "offer_made", "made an offer"
    OFFER_APPROVED = "offer_approved", "approved an offer"
    OFFER_REJECTED = "offer_rejected", "rejected an offer"
    OFFER_ACCEPTED = "offer_accepted", "recorded that the customer accepted an offer"
    OFFER_DECLINED = "offer_declined", "recorded that the customer declined an offer"
    OFFER_COUNTERED = "offer_countered", "recorded the customer's counter-request"
    OFFER_WITHDRAWN = "offer_withdrawn", "withdrew an offer"
    OFFER_FULFILLED = "offer_fulfilled", "recorded that an offer was carried out"
    FOLLOWUP_SCHEDULED = "followup_scheduled", "scheduled a follow-up"
    FOLLOWUP_COMPLETED = "followup_completed", "recorded a follow-up"
    FOLLOWUPS_CANCELLED = "followups_cancelled", "cancelled open follow-ups"
    FOLLOWUP_CANCELLED = "followup_cancelled", "cancelled a follow-up"
    FOLLOWUP_REMINDER_SENT = "followup_reminder_sent", "sent a follow-up reminder"
    FOLLOWUP_OVERDUE = "followup_overdue", "recorded that a follow-up is overdue"
    SLA_WARNING = "sla_warning", "warned that a deadline is near"
    SLA_BREACHED = "sla_breached", "recorded a missed deadline"
    LINKS_REVOKED = "links_revoked", "ended the customer's old links"
    ROUTED = "routed", "routed the case to a team"
    RECEIVED_AT_CHANGED = (
        "received_at_changed",
        "changed when the complaint was received",
    )
    LETTER_SENT = "letter_sent", "sent a letter"
    STATUTORY_WARNING = "statutory_warning", "warned that a statutory deadline is near"
    STATUTORY_BREACHED = "statutory_breached", "recorded a missed statutory deadline"
    ATTACHMENT_ADDED = "attachment_added", "attached a file"
    ATTACHMENT_SCANNED = "attachment_scanned", "recorded a late virus-scan verdict"
    PROBLEM_LINKED = "problem_linked", "linked the case to a problem"
    PROMISE_MADE = "promise_made", "made a promise"
    PROMISE_KEPT = "promise_kept", "kept a promise"
    PROMISE_REMINDED = "promise_reminded", "reminded the owner of a promise"
    PROMISE_BROKEN = "promise_broken", "recorded a broken promise"
    INCIDENT_LINKED = "incident_linked", "linked the case to an incident"
    DUPLICATE_SUSPECTED = "duplicate_suspected", "flagged a likely duplicate"
    DUPLICATE_CLEARED = "duplicate_cleared", "cleared the likely-duplicate flag"
    MESSAGES_MOVED = "messages_moved", "moved messages between merged cases"
    LEGAL_HOLD_PLACED = "legal_hold_placed", "placed a legal hold"
    LEGAL_HOLD_LIFTED = "legal_hold_lifted", "lifted a legal hold"
    CASE_ANONYMISED = "case_anonymised", "anonymised the case after retention"
    SUBJECT_ACCESS_EXPORTED = (
        "subject_access_exported",
        "exported the customer's data (subject access)",
    )
    VULNERABILITY_RECORDED = (
        "vulnerability_recorded",
        "recorded the customer's vulnerability and adjustments",
    )
    REPRESENTATIVE_RECORDED = (
        "representative_recorded",
        "recorded who represents the customer",
    )
    LETTER_APPROVAL_REQUESTED = (
        "letter_approval_requested",
        "asked a second person to approve a letter",
    )
    LETTER_APPROVED = "letter_approved", "approved a letter"
    LETTER_APPROVAL_REFUSED = "letter_approval_refused", "refused to approve a letter"


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

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
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
