"""The append-only timeline of a case (a database trigger enforces it too)."""

from django.conf import settings
from django.db import models

from .case import Case

APPEND_ONLY = "Timeline events are append-only."


class EventQuerySet(models.QuerySet):
    """Refuse bulk edits and deletes before they reach the database.

    PostgreSQL's trigger refuses them too; SQLite's refuses only UPDATE (test
    flushes delete rows there), so the ORM is the guard both share.
    """

    def update(self, **kwargs):
        raise ValueError(APPEND_ONLY)

    def bulk_update(self, objs, fields, batch_size=None):
        raise ValueError(APPEND_ONLY)

    def delete(self):
        raise ValueError(APPEND_ONLY)

    delete.queryset_only = True


class Event(models.Model):
    """One append-only line of a case's timeline (enforced by a database trigger)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150)
    kind = models.CharField(max_length=40)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["case", "id"], name="event_case"),
            models.Index(fields=["kind", "created_at"], name="event_kind_created"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} by {self.actor_label}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(APPEND_ONLY)
