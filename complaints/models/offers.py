"""Offers made to put a complaint right, and the limits above which they need approval."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .case import Case


class OfferKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    PARTIAL_REFUND = "partial_refund", _("Partial refund")
    REPLACEMENT = "replacement", _("Replacement")
    REDO = "redo", _("Redo the work")
    CREDIT = "credit", _("Credit")
    GOODWILL_GESTURE = "goodwill_gesture", _("Goodwill gesture")
    APOLOGY_ONLY = "apology_only", _("Apology only")
    OTHER = "other", _("Other")


# Monetary kinds carry an amount and a currency; money-less kinds never do;
# a goodwill gesture or another kind may (a gift card) or may not (flowers).
MONETARY_KINDS: frozenset[str] = frozenset(
    {OfferKind.REFUND, OfferKind.PARTIAL_REFUND, OfferKind.CREDIT}
)
MONEYLESS_KINDS: frozenset[str] = frozenset(
    {OfferKind.APOLOGY_ONLY, OfferKind.REPLACEMENT, OfferKind.REDO}
)


class OfferStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COUNTERED = "countered", _("Countered")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected by approver")
    FULFILLED = "fulfilled", _("Fulfilled")


class OfferLimit(models.Model):
    """The most an agent may offer of a kind without a manager's approval."""

    kind = models.CharField(max_length=20, choices=OfferKind.choices)
    currency = models.CharField(max_length=3, help_text=_("ISO 4217, e.g. EUR"))
    max_amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["kind", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "currency"], name="offer_limit_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ≤ {self.max_amount} {self.currency}"


class Offer(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="offers", db_index=False
    )
    kind = models.CharField(max_length=20, choices=OfferKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    description = models.TextField(blank=True)
    extra_mile = models.BooleanField(
        default=False, help_text=_("A gesture beyond the fix itself.")
    )
    status = models.CharField(
        max_length=20, choices=OfferStatus.choices, editable=False
    )
    needed_approval = models.BooleanField(default=False, editable=False)
    counter_request = models.TextField(
        blank=True, help_text=_("What the customer asked for instead.")
    )
    decision_note = models.TextField(
        blank=True,
        editable=False,
        help_text=_("Why it was rejected, declined or withdrawn (as recorded)."),
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["case", "status"], name="offer_case_status"),
            models.Index(fields=["status", "created_at"], name="offer_status_created"),
        ]

    def __str__(self) -> str:
        money = f" {self.amount} {self.currency}" if self.amount is not None else ""
        return f"{self.get_kind_display()}{money} ({self.status})"
