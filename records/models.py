"""Retention rules, legal holds, and the record of what was anonymised or exported.

- `RetentionRule`: how long a closed case of a regime is kept before its
  personal data is anonymised, versioned by effective date like the regimes
  (a more specific rule names a category slug, e.g. FCA investment business).
- `LegalHold`: a manager's hold on one case or on every case of a customer;
  a case under an active hold is never anonymised.
- `AnonymisedCase` / `AnonymisedCustomer`: when (and by whom) a case or a
  customer lost its personal data; the rows themselves stay (CONTRACT §15,
  README "Retention and data rights").
- `SubjectAccessExport`: who exported everything held about a customer, when.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionRule(models.Model):
    """Keep a regime's closed cases `years` + `days` after their closure.

    The rule in force is the latest with `effective_from` on or before the day
    of the check; one naming `category_slug` wins over the regime's default.
    A regime without any rule keeps cases `DEFAULT_RETENTION_DAYS`.
    """

    regime = models.SlugField(max_length=20, db_index=False)
    category_slug = models.SlugField(
        max_length=100,
        blank=True,
        help_text=_(
            "Only the cases of this category (blank: every case of the regime)."
        ),
    )
    years = models.PositiveSmallIntegerField(default=0)
    days = models.PositiveIntegerField(default=0)
    effective_from = models.DateField()
    source = models.TextField(blank=True, help_text=_("Where the period was read."))

    class Meta:
        ordering = ["regime", "category_slug", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["regime", "category_slug", "effective_from"],
                name="retention_rule_version_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(years__lte=100) & models.Q(days__lte=36500),
                name="retention_rule_bounded",
            ),
        ]

    def __str__(self) -> str:
        scope = f"/{self.category_slug}" if self.category_slug else ""
        return f"{self.regime}{scope}: {self.years}y {self.days}d"


class LegalHold(models.Model):
    """A hold on one case, or on every case of one customer, until lifted."""

    case = models.ForeignKey(
        "complaints.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_holds",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_holds",
    )
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    placed_by_label = models.CharField(max_length=150)
    placed_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by_label = models.CharField(max_length=150, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(case__isnull=False, customer__isnull=True)
                    | models.Q(case__isnull=True, customer__isnull=False)
                ),
                name="legal_hold_one_target",
            )
        ]
        indexes = [
            models.Index(
                fields=["case"],
                name="legal_hold_case_active",
                condition=models.Q(lifted_at__isnull=True),
            ),
            models.Index(
                fields=["customer"],
                name="legal_hold_customer_active",
                condition=models.Q(lifted_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        target = (
            f"case {self.case_id}" if self.case_id else f"customer {self.customer_id}"
        )
        return f"hold on {target}{' (lifted)' if self.lifted_at else ''}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class AnonymisedCase(models.Model):
    """The case's personal data was replaced by placeholders at `at`."""

    case = models.OneToOneField(
        "complaints.Case",
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="anonymised",
    )
    at = models.DateTimeField()
    by_label = models.CharField(max_length=150)
    retention_ended = models.DateTimeField(
        help_text=_("When the case's retention ended (its closure + the rule).")
    )

    def __str__(self) -> str:
        return f"case {self.case_id} anonymised {self.at:%Y-%m-%d}"


class AnonymisedCustomer(models.Model):
    """The customer's profile was replaced by placeholders at `at`."""

    customer = models.OneToOneField(
        "customers.Customer",
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="anonymised",
    )
    at = models.DateTimeField()
    by_label = models.CharField(max_length=150)

    def __str__(self) -> str:
        return f"customer {self.customer_id} anonymised {self.at:%Y-%m-%d}"


class ExportFormat(models.TextChoices):
    JSON = "json", "JSON"
    PDF = "pdf", "PDF"


class SubjectAccessExport(models.Model):
    """One subject-access export: who took everything held about whom, when."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    by_label = models.CharField(max_length=150)
    format = models.CharField(max_length=4, choices=ExportFormat.choices)
    via = models.CharField(max_length=10, help_text=_("web or api"))
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id} exported by {self.by_label} ({self.format})"
