"""Reads about the SLA clocks that other rooms filter cases by."""

from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import RUNNING, Deadline


def overdue_q(now: datetime | None = None) -> Q:
    """A filter for cases with a running SLA deadline already past due."""
    now = now or timezone.now()
    late = Deadline.objects.filter(case_id=OuterRef("pk"), due_at__lt=now, **RUNNING)
    return Q(Exists(late))
