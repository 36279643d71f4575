"""Customers: who complained, how to reach them, and whether they consent to it.

A customer is one shared record; each API client knows them by its own
`external_ref` (a `CustomerRef`), so one client's ids never reach another.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class RelationshipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class Customer(models.Model):
    created_here = False
    """True on the instance `customer_match_or_create` has just inserted (not
    stored): a customer this filing created has no earlier cases to compare."""

    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    consent_to_contact = models.BooleanField(
        default=False, help_text=_("May we contact them to follow up?")
    )
    consent_updated_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language we write to them in; blank: the site's default."),
    )
    relationship_status = models.CharField(
        max_length=10,
        choices=RelationshipStatus.choices,
        default=RelationshipStatus.ACTIVE,
    )
    relationship_ended_reason = models.TextField(blank=True)
    relationship_ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            # With the id: the first customer of an email (a filing's match)
            # is the first entry of its range, never a sort or a scan.
            models.Index(Lower("email"), "id", name="customer_email_ci"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


class CustomerRef(models.Model):
    """One filing system's id for a customer: unique per API client, not across.

    `client` is the API key that sent it; refs with no client were entered by
    staff (or kept from before refs were per client). A customer may carry
    several refs, one client may even know them under two ids.
    """

    client = models.ForeignKey(
        "api.ApiClient",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="customer_refs",
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="refs"
    )
    external_ref = models.CharField(
        max_length=100,
        help_text=_("The customer's id in the filing system (shop, CRM)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "external_ref"],
                condition=models.Q(client__isnull=False),
                name="customer_ref_unique_per_client",
            ),
            models.UniqueConstraint(
                fields=["external_ref"],
                condition=models.Q(client__isnull=True),
                name="customer_ref_unique_for_staff",
            ),
        ]

    def __str__(self) -> str:
        return self.external_ref


class VulnerabilityDriver(models.TextChoices):
    """The FCA's four drivers of vulnerability (FG21/1)."""

    HEALTH = "health", _("Health")
    LIFE_EVENTS = "life_events", _("Life events")
    RESILIENCE = "resilience", _("Resilience")
    CAPABILITY = "capability", _("Capability")


class Vulnerability(models.Model):
    """What the firm recorded of a customer's vulnerability, with their consent.

    Recording it has data-protection conditions (REGULATIONS.md, FG21/1), so
    the drivers are kept only once consent is recorded (who gave it, when);
    `regimes.support` is the one path that writes it. `adjustments`: what the
    firm does differently for them (large print, a named contact, calls only).
    """

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="vulnerability"
    )
    health = models.BooleanField(default=False)
    life_events = models.BooleanField(default=False)
    resilience = models.BooleanField(default=False)
    capability = models.BooleanField(default=False)
    adjustments = models.TextField(blank=True)
    consent_from = models.CharField(
        max_length=200, blank=True, help_text=_("Who consented to recording it.")
    )
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.CharField(max_length=150, blank=True)
    recorded_by = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.customer_id}: {', '.join(self.drivers) or 'no drivers'}"

    @property
    def drivers(self) -> list[str]:
        return [d for d in VulnerabilityDriver.values if getattr(self, d)]

    @property
    def driver_labels(self) -> list[str]:
        return [VulnerabilityDriver(d).label for d in self.drivers]

    @property
    def is_vulnerable(self) -> bool:
        return bool(self.drivers)


class RepresentativeKind(models.TextChoices):
    FAMILY_MEMBER = "family_member", _("Family member")
    CLAIMS_FIRM = "claims_management_firm", _("Claims management firm")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
    SOLICITOR = "solicitor", _("Solicitor")
    OTHER = "other", _("Other")


class LetterCopy(models.TextChoices):
    """Whether a representative receives the customer's letters."""

    NO = "no", _("No letters")
    COPY = "copy", _("A copy of each letter")
    INSTEAD = "instead", _("Letters instead of the customer")


class Representative(models.Model):
    """Who acts for a customer, with the authority recorded (one per customer)."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="representative"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=RepresentativeKind.choices)
    email = models.EmailField(max_length=254, blank=True)
    authority = models.TextField(
        help_text=_(
            "The evidence of their authority (e.g. a signed letter of authority)."
        )
    )
    authority_recorded_at = models.DateTimeField()
    receives_letters = models.CharField(
        max_length=10, choices=LetterCopy.choices, default=LetterCopy.NO
    )
    recorded_by = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()}) for {self.customer_id}"
