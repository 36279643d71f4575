"""API clients: hashed keys (djangorestframework-api-key), scopes, last use."""

from django.conf import settings
from django.db import models
from rest_framework_api_key.models import AbstractAPIKey


class Scope(models.TextChoices):
    COMPLAINTS_WRITE = "complaints:write", "File complaints"
    COMPLAINTS_READ = "complaints:read", "Read complaints"
    CASES_MANAGE = "cases:manage", "Work cases"


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
