"""Models of the agents' pages: saved inbox views."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedView(models.Model):
    """An inbox query kept under a name, by its owner or shared with a team.

    `query` holds only the whitelisted inbox parameters (see
    `web.saved_views.saved_view_create`), never the raw text typed.
    """

    name = models.CharField(max_length=80)
    query = models.CharField(max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        "teams.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Shared with this team; empty keeps it to its owner."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
