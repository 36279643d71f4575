"""Regulatory regimes as data, their statutory clocks on cases, and sent letters.

A `Regime` row is one version of a regulator's rules (CONTRACT §15, sources in
REGULATIONS.md and the README): which statutory clocks run from the receipt of
a complaint, on which calendar, and what each letter must contain. Rules change
by decree, so a version is never edited once in force: a new row with a later
`effective_from` replaces it. A `Letter` is kept exactly as sent and never
changes (its text, its hash, its PDF).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

IMMUTABLE = "A sent letter never changes."
PAST_VERSION = (
    "A regime version in force (or past) is never edited: add a version with a "
    "later effective date."
)


class LetterKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    SUMMARY_RESOLUTION = "summary_resolution", _("Summary resolution")
    HOLDING = "holding", _("Holding response")
    FINAL_RESPONSE = "final_response", _("Final response")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    NOT_UPHELD = "not_upheld", _("Not upheld")


class Regime(models.Model):
    """One version of a regime, in force from `effective_from` until the next.

    `clocks`: a list of `{"kind", "amount", "unit": business_days |
    calendar_days | weeks, "ends": close_of_business | end_of_day,
    "met_by": [letter kinds], "warn_days", "breaches": bool, "extended":
    {"by": letter kind, "amount", "unit"}?}`, counted from `received_at`.
    `letters`: `{kind: {"template": Django template text, "required":
    [{"code", "any": [phrases]} | {"code": "outcome", "field": "outcome"}]}}`.
    `return_bands`: the time bands of the periodic return, clocks' shape.
    """

    code = models.SlugField(max_length=20, db_index=False)
    name = models.CharField(max_length=200)
    effective_from = models.DateField()
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text=_("ISO country of the bank holidays, e.g. GB."),
    )
    subdivision = models.CharField(
        max_length=10, blank=True, help_text=_("e.g. ENG for England and Wales.")
    )
    time_zone = models.CharField(max_length=64, default="UTC")
    close_of_business = models.TimeField(default="17:00")
    after_close_next_day = models.BooleanField(
        default=False,
        help_text=_(
            "Count a complaint received after close of business or on a "
            "non-business day from the next business day (old DISP 1.5.3G)."
        ),
    )
    clocks = models.JSONField(default=list, blank=True)
    letters = models.JSONField(default=dict, blank=True)
    referral_window_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("The ombudsman window after a final response."),
    )
    return_bands = models.JSONField(default=list, blank=True)
    four_eyes_on_rejection = models.BooleanField(
        default=False,
        help_text=_(
            "A final response that rejects the complaint (not upheld) needs "
            "a second person's approval before it is sent."
        ),
    )
    four_eyes_offer_limit = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "A final response on a case with a live offer above this amount "
            "needs a second person's approval (empty: never)."
        ),
    )
    source = models.TextField(blank=True, help_text=_("Where the rules were read."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"], name="regime_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} from {self.effective_from}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).first()
            if stored and stored.effective_from <= timezone.localdate():
                raise ValueError(PAST_VERSION)
        super().save(*args, **kwargs)

    @property
    def in_force(self) -> bool:
        return self.effective_from <= timezone.localdate()


class RegimeRoute(models.Model):
    """Which regime a category's (or else a team's) cases are handled under."""

    category = models.OneToOneField(
        "complaints.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="regime_route",
    )
    team = models.OneToOneField(
        "teams.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="regime_route",
    )
    regime = models.SlugField(max_length=20)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(category__isnull=False, team__isnull=True)
                    | models.Q(category__isnull=True, team__isnull=False)
                ),
                name="regime_route_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.category or self.team} → {self.regime}"


class StatutoryDeadline(models.Model):
    """A statutory clock of a case: it runs from receipt and never pauses."""

    case = models.ForeignKey(
        "complaints.Case",
        on_delete=models.CASCADE,
        related_name="statutory_deadlines",
        db_index=False,
    )
    regime = models.ForeignKey(Regime, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=40)
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField()
    breaches = models.BooleanField(
        default=True, help_text=_("False for a window (e.g. summary resolution).")
    )
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.CharField(max_length=30, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"], name="statutory_deadline_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="statutory_due",
                condition=models.Q(next_check_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def breached(self) -> bool:
        return self.breached_at is not None


class LetterQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError(IMMUTABLE)

    def bulk_update(self, objs, fields, batch_size=None):
        raise ValueError(IMMUTABLE)

    def delete(self):
        raise ValueError(IMMUTABLE)

    delete.queryset_only = True


class Letter(models.Model):
    """A letter as sent to the customer: text, PDF and hash never change."""

    case = models.ForeignKey(
        "complaints.Case",
        on_delete=models.PROTECT,
        related_name="letters",
        db_index=False,
    )
    regime = models.ForeignKey(Regime, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    body = models.TextField()
    sha256 = models.CharField(max_length=64)
    pdf = models.BinaryField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    to = models.EmailField(blank=True)
    copy_to = models.EmailField(
        blank=True, help_text=_("The customer's representative, sent a copy.")
    )
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_by_label = models.CharField(max_length=150)
    referral_window_ends = models.DateTimeField(null=True, blank=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["case", "kind"], name="letter_case_kind")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.sent_at:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError(IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(IMMUTABLE)


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    SENT = "sent", _("Sent")


class LetterApproval(models.Model):
    """A letter's text waiting for (or given) a second person's approval.

    The author asks; another lead or manager who may approve on the case
    approves or refuses; an approved text is then sent exactly as approved
    (`regimes.approvals`).
    """

    case = models.ForeignKey(
        "complaints.Case", on_delete=models.CASCADE, related_name="letter_approvals"
    )
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    body = models.TextField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by_label = models.CharField(max_length=150)
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    letter = models.OneToOneField(
        Letter, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [
            models.Index(
                fields=["case", "status"],
                name="letter_approval_open",
                condition=models.Q(status__in=["pending", "approved"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.status}"
