"""Business-hours calendars, SLA policies and the deadlines they set on cases.

The database is the source of truth for what is due: the due pass reads
`Deadline.next_check_at` (indexed), never the broker.
"""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models import Priority


class Calendar(models.Model):
    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text=_("ISO 3166 code to seed public holidays from."),
    )
    subdivision = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.time_zone})"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingHours(models.Model):
    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, related_name="hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["calendar", "weekday", "opens"]
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")),
                name="hours_close_after_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Holiday(models.Model):
    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, related_name="holidays", db_index=False
    )
    date = models.DateField()
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


def default_followup_days() -> list[int]:
    return [1, 7, 30]


class SlaPolicy(models.Model):
    name = models.CharField(max_length=100)
    priority = models.CharField(max_length=10, choices=Priority.choices)
    category = models.ForeignKey(
        "complaints.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Leave empty for the policy of every category without its own."),
    )
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT)
    first_response_minutes = models.PositiveIntegerField(
        help_text=_("Business minutes to the first customer-facing response.")
    )
    resolution_minutes = models.PositiveIntegerField(
        help_text=_(
            "Business minutes to resolution (paused while awaiting the customer)."
        )
    )
    escalation_minutes = models.PositiveIntegerField(
        default=240,
        help_text=_(
            "Business minutes after a breach before escalating again (level 2)."
        ),
    )
    warn_at_percent = models.PositiveSmallIntegerField(default=75)
    followup_days = models.JSONField(
        default=default_followup_days,
        help_text=_("Days after resolution to propose follow-ups, e.g. [1, 7, 30]."),
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["priority", "name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "category"],
                condition=models.Q(active=True, category__isnull=False),
                name="sla_policy_priority_category",
            ),
            models.UniqueConstraint(
                fields=["priority"],
                condition=models.Q(active=True, category__isnull=True),
                name="sla_policy_priority_default",
            ),
            models.CheckConstraint(
                condition=models.Q(warn_at_percent__gte=1, warn_at_percent__lte=99),
                name="sla_warn_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# A clock is running while it is neither met, cancelled nor paused: the one
# definition the due pass, the inbox's queues and orders, and the metrics read.
RUNNING = {
    "met_at__isnull": True,
    "cancelled_at__isnull": True,
    "paused_at__isnull": True,
}


class DeadlineKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")


class Deadline(models.Model):
    """One SLA clock of a case; `next_check_at` is when the due pass must look again."""

    case = models.ForeignKey(
        "complaints.Case",
        on_delete=models.CASCADE,
        related_name="deadlines",
        db_index=False,
    )
    kind = models.CharField(max_length=20, choices=DeadlineKind.choices)
    target_minutes = models.PositiveIntegerField()
    started_at = models.DateTimeField(help_text=_("When the clock last (re)started."))
    consumed = models.DurationField(
        default=timedelta(0), help_text=_("Business time used before started_at.")
    )
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField()
    escalate_again_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    escalated_again_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="deadline_case_kind")
        ]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="deadline_next_check",
                condition=models.Q(next_check_at__isnull=False),
            ),
            models.Index(fields=["kind", "due_at"], name="deadline_kind_due"),
            # The inbox's overdue queue and deadline sort read running deadlines only.
            models.Index(
                fields=["case", "due_at"],
                name="deadline_running",
                condition=models.Q(**RUNNING),
            ),
            # The inbox's deadline sort walks running deadlines in due order
            # (web.selectors.inbox.by_next_due).
            models.Index(
                fields=["due_at", "case", "id"],
                name="deadline_running_due",
                condition=models.Q(**RUNNING),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_running(self) -> bool:
        return (
            self.met_at is None and self.cancelled_at is None and self.paused_at is None
        )
