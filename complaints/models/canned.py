"""Canned responses: a team's ready-made messages with a few placeholders."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CannedResponse(models.Model):
    """A ready-made message; `{first_name}`, `{reference}`, `{agent_name}` are
    filled in when an agent picks it (see `complaints.canned`)."""

    title = models.CharField(max_length=100)
    body = models.TextField(max_length=5000)
    team = models.ForeignKey(
        "teams.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="canned_responses",
        help_text=_("Offered on this team's cases; empty offers it on every case."),
    )
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title
