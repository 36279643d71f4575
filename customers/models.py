"""Customers: who complained, how to reach them, and whether they consent to it."""

from django.db import models
from django.db.models.functions import Lower


class RelationshipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class Customer(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    external_ref = models.CharField(
        max_length=100,
        null=True,
        blank=True,
        help_text="The customer's id in the filing system (shop, CRM).",
    )
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
        constraints = [
            models.UniqueConstraint(
                fields=["external_ref"],
                condition=models.Q(external_ref__isnull=False),
                name="customer_external_ref_unique",
            ),
        ]
        indexes = [
            models.Index(Lower("email"), name="customer_email_ci"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name
