"""The dashboards' stored figures: one `CaseFacts` row per case.

A row holds what the period figures count about one case: its dimensions
as they stand now, the moments that date each figure (filing, first
response, resolution, closing, the SLA clocks, escalations), its counts and
its business-hours durations. `dashboards.facts` rewrites a row whole from
the case whenever the case changes; `dashboards.metrics` reads the rows
with one ORM aggregate per figure. `RefreshMark` records the last refresh.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _dimension(model: str) -> models.ForeignKey:
    # No constraint: facts are derived data, rewritten from the case.
    return models.ForeignKey(
        model,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )


def _moment() -> models.DateTimeField:
    return models.DateTimeField(null=True, blank=True)


class CaseFacts(models.Model):
    case = models.OneToOneField(
        "complaints.Case",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="facts",
    )
    team = _dimension("teams.Team")
    category = _dimension("complaints.Category")
    root_cause = _dimension("complaints.RootCause")
    assignee = _dimension(settings.AUTH_USER_MODEL)
    # Plain values (Priority, Channel, Stage), copied from the case.
    priority = models.CharField(max_length=10)
    channel = models.CharField(max_length=20)
    stage = models.CharField(max_length=20)
    filed_at = models.DateTimeField()
    first_response_at = _moment()
    resolved_at = _moment()
    closed_at = _moment()
    # The SLA clocks (see metrics.figures.clock_q): when due, met, stopped.
    fr_due_at = _moment()
    fr_met_at = _moment()
    fr_paused_at = _moment()
    fr_cancelled_at = _moment()
    res_due_at = _moment()
    res_met_at = _moment()
    res_paused_at = _moment()
    res_cancelled_at = _moment()
    # When the case first reached escalation level 1 and 2 (levels only rise).
    escalated_1_at = _moment()
    escalated_2_at = _moment()
    # Service recovery: the first apology, the first offer and its fate, the
    # scores of the first and the latest of two or more scored follow-ups,
    # and whether the customer filed again within 90 days of the closing.
    customer = _dimension("customers.Customer")
    first_apology_at = _moment()
    first_apology_seconds = models.BigIntegerField(null=True, blank=True)
    first_offer_at = _moment()
    first_offer_accepted = models.BooleanField(null=True, blank=True)
    csat_before = models.PositiveSmallIntegerField(null=True, blank=True)
    csat_after = models.PositiveSmallIntegerField(null=True, blank=True)
    csat_after_at = _moment()
    refiled_90d = models.BooleanField(default=False)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    skipped_steps = models.PositiveSmallIntegerField(default=0)
    first_response_seconds = models.BigIntegerField(null=True, blank=True)
    resolution_seconds = models.BigIntegerField(null=True, blank=True)
    # The latest of the moments above, so a period reads only the cases
    # active in it: filed before its end and open, or active after its start.
    active_until = models.DateTimeField()
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("case facts")
        indexes = [
            models.Index(fields=["active_until"], name="casefacts_active"),
            models.Index(fields=["filed_at"], name="casefacts_filed"),
            # The series of closings, and the open cases (closed_at IS NULL).
            models.Index(fields=["closed_at"], name="casefacts_closed"),
        ]

    def __str__(self) -> str:
        return f"facts of case {self.case_id}"


class MonthFacts(models.Model):
    """The additive period figures of one whole past month, per team, category,
    priority and channel (`counts`: figure name → count; zeros left out).

    Rolled from `CaseFacts` (`dashboards.months`) whenever a case that counts
    in the month is rewritten, and once after the month ends. Long periods
    read their whole months here and only their edge days from the facts.
    """

    month = models.DateField(help_text="The first day of the (local) month.")
    team = _dimension("teams.Team")
    category = _dimension("complaints.Category")
    priority = models.CharField(max_length=10)
    channel = models.CharField(max_length=20)
    counts = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["month"], name="monthfacts_month")]

    def __str__(self) -> str:
        return f"figures of {self.month:%Y-%m}"


class RefreshMark(models.Model):
    """When a background refresh last ran, and the newest timeline event it saw.

    Kept in the database rather than the cache so it moves with the data (a
    restore or a fresh test database starts without a mark: rebuilt in full).
    """

    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()
    event_id = models.BigIntegerField(
        null=True, blank=True, help_text=_("The newest timeline event seen then.")
    )

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
