"""Stored figures the dashboard cannot afford to recompute on every view.

`CaseDurations` keeps each case's business-hours durations (to the first
response and to resolution). Business-hours arithmetic runs in Python, so
doing it for every case on every dashboard view would not scale; instead the
row is refreshed whenever the case's `first_response_at` / `resolved_at`
differ from the values it was computed for (see `metrics.durations`).
"""

from django.db import models


class CaseDurations(models.Model):
    case = models.OneToOneField(
        "complaints.Case",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="durations",
    )
    first_response_at = models.DateTimeField(
        null=True, blank=True, help_text="The case's first_response_at when computed."
    )
    first_response_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="Business seconds from filing to it."
    )
    resolved_at = models.DateTimeField(
        null=True, blank=True, help_text="The case's resolved_at when computed."
    )
    resolution_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Business seconds the resolution clock ran until resolved.",
    )
    # The case's dimensions when computed, so the percentiles filter without
    # joining every case (kept in step like the times: see services).
    team_id = models.IntegerField(null=True, blank=True)
    category_id = models.IntegerField(null=True, blank=True)
    priority = models.CharField(max_length=10, blank=True)
    channel = models.CharField(max_length=20, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "case durations"

    def __str__(self) -> str:
        return (
            f"{self.case_id}: {self.first_response_seconds}/{self.resolution_seconds}"
        )


class RefreshMark(models.Model):
    """When a background refresh last ran (one row per kind of refresh).

    Kept in the database rather than the cache so that it moves with the data
    (a restore or a fresh test database starts without a mark and is checked
    in full once).
    """

    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()
    event_id = models.BigIntegerField(
        null=True, blank=True, help_text="The newest timeline event seen then."
    )

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
