"""API clients: hashed keys (djangorestframework-api-key), scopes, last use."""

from django.conf import settings
from django.db import models
from rest_framework_api_key.models import AbstractAPIKey


class Scope(models.TextChoices):
    COMPLAINTS_WRITE = "complaints:write", "File complaints"
    COMPLAINTS_READ = "complaints:read", "Read complaints"
    CASES_MANAGE = "cases:manage", "Work cases"
    WEBHOOKS_MANAGE = "webhooks:manage", "Manage webhooks"


def default_scopes() -> list[str]:
    return [Scope.COMPLAINTS_WRITE, Scope.COMPLAINTS_READ]


class ApiClient(AbstractAPIKey):
    """A key for a shop, CRM or contact centre; only its SHA-512 hash is stored.

    With `user`, the key acts as that user with that user's role; without, it is
    a service client limited to `scopes`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_clients",
    )
    scopes = models.JSONField(default=default_scopes, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "API client"
        verbose_name_plural = "API clients"


class IdempotencyKey(models.Model):
    """The stored outcome of a create sent with an `Idempotency-Key` header.

    Scoped to the caller (`owner` is `client:<id>` or `user:<id>`); a replay of the
    same key and body returns `response_body` again; keys expire after 24 hours.
    """

    owner = models.CharField(max_length=180)
    key = models.CharField(max_length=255)
    body_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "key"], name="idempotency_owner_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"


class CaseFiling(models.Model):
    """What an API client sent for the customer when it filed one case.

    The customer record is shared by every channel and client; a service
    client sees the customer of its cases only as this echo of its own input
    (CONTRACT §9), never the stored record.
    """

    case = models.OneToOneField(
        "complaints.Case", on_delete=models.CASCADE, related_name="api_filing"
    )
    customer = models.JSONField(
        help_text="The `customer` object as sent: name, email, phone, external_ref."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"filing of case {self.case_id}"
