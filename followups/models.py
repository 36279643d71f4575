"""Follow-ups: checking back with the customer after a resolution."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUpChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")


class Outcome(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    UNSATISFIED = "unsatisfied", _("Still unsatisfied")
    UNREACHABLE = "unreachable", _("Unreachable")


class FollowUp(models.Model):
    case = models.ForeignKey(
        "complaints.Case",
        on_delete=models.CASCADE,
        related_name="followups",
        db_index=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followups",
        db_index=False,
    )
    due_at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=FollowUpChannel.choices)
    note = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.SCHEDULED
    )
    outcome = models.CharField(max_length=15, choices=Outcome.choices, blank=True)
    csat = models.PositiveSmallIntegerField(null=True, blank=True)
    result_note = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the due pass must look at it again.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="followup_next_check",
                condition=models.Q(next_check_at__isnull=False),
            ),
            models.Index(
                fields=["owner", "status", "due_at"], name="followup_owner_due"
            ),
            models.Index(fields=["case", "status"], name="followup_case_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(csat__isnull=True)
                | models.Q(csat__gte=1, csat__lte=5),
                name="followup_csat_1_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.channel} follow-up due {self.due_at:%Y-%m-%d}"
