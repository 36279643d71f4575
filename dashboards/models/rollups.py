"""The rollup tables: daily and monthly sums of the dashboard's measures.

Rows with span "d" hold one local day; rows with span "m" hold one calendar
month (the sum of that month's day rows) and rows with span "y" one past
calendar year (the sum of its months), so an all-time view reads a year's rows for
each whole year, a month's for each other whole month, and days only at the
edges. Only `dashboards.rollups.refresh`
writes them; `dashboards.metrics.rolled` reads them. They are derived data:
`refresh_dashboard --rollups` rebuilds them from the cases at any time.
"""

from django.db import models

from .measures import (
    AGENT_MEASURES,
    CAUSE_MEASURES,
    DAY_MEASURES,
    MONEY_MEASURES,
    OFFER_MEASURES,
)


class Span(models.TextChoices):
    DAY = "d", "Day"
    MONTH = "m", "Month"
    YEAR = "y", "Year"


class Facts(models.Model):
    """The bucket every rollup row shares: when, and the four dimensions."""

    span = models.CharField(max_length=1, choices=Span.choices)
    day = models.DateField(help_text="The day, or the first day of the month.")
    team_id = models.IntegerField(null=True)
    category_id = models.IntegerField(null=True)
    priority = models.CharField(max_length=10)
    channel = models.CharField(max_length=20)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.get_span_display()} of {self.day}"


class DayFacts(Facts):
    class Meta:
        verbose_name_plural = "day facts"
        indexes = [models.Index(fields=["span", "day"], name="dayfacts_span_day")]


class AgentFacts(Facts):
    assignee_id = models.IntegerField()

    class Meta:
        verbose_name_plural = "agent facts"
        indexes = [models.Index(fields=["span", "day"], name="agentfacts_span_day")]


class CauseFacts(Facts):
    root_cause_id = models.IntegerField(null=True)

    class Meta:
        verbose_name_plural = "cause facts"
        indexes = [models.Index(fields=["span", "day"], name="causefacts_span_day")]


class OfferFacts(Facts):
    kind = models.CharField(max_length=20)
    currency = models.CharField(max_length=3)

    class Meta:
        verbose_name_plural = "offer facts"
        indexes = [models.Index(fields=["span", "day"], name="offerfacts_span_day")]


class CaseFootprint(models.Model):
    """What a case added to each day's rollup rows at the last refresh: a
    fingerprint per day ({"2026-11-23": "…"}).

    When a case changes, the days whose fingerprint differs now — and only
    those — are recomputed: an escalation touches today alone, a reopen also
    the filing day and the old closing day (which it clears), a pause the
    day a deadline was due. A day that no longer counts the case leaves no
    stale count behind, as its old fingerprint is kept here.
    """

    case_id = models.BigIntegerField(primary_key=True)
    days = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"case {self.case_id}: {len(self.days)} days"


def _add_measures(model: type[models.Model], names: tuple[str, ...]) -> None:
    for name in names:
        field = (
            models.DecimalField(max_digits=16, decimal_places=2, null=True)
            if name in MONEY_MEASURES
            else models.BigIntegerField(default=0)
        )
        model.add_to_class(name, field)


_add_measures(DayFacts, DAY_MEASURES)
_add_measures(AgentFacts, AGENT_MEASURES)
_add_measures(CauseFacts, CAUSE_MEASURES)
_add_measures(OfferFacts, OFFER_MEASURES)
