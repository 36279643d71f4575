"""Customers: who complained, how to reach them, and whether they consent to it.

A customer is one shared record; each API client knows them by its own
`external_ref` (a `CustomerRef`), so one client's ids never reach another.
"""

from django.db import models
from django.db.models.functions import Lower


class RelationshipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class Customer(models.Model):
    created_here = False
    """True on the instance `customer_match_or_create` has just inserted (not
    stored): a customer this filing created has no earlier cases to compare."""

    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    consent_to_contact = models.BooleanField(
        default=False, help_text="May we contact them to follow up?"
    )
    consent_updated_at = models.DateTimeField(null=True, blank=True)
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
            models.Index(Lower("email"), name="customer_email_ci"),
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
        max_length=100, help_text="The customer's id in the filing system (shop, CRM)."
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
