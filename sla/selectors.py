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


def due_soon_q(now: datetime | None = None) -> Q:
    """A filter for cases with a running deadline in its warning window: past
    its warning point, not yet due (the inbox's Due soon and its badge).

    The clocks are read by key, along the running clocks' due times (index
    `deadline_running_due`, from `now` on), and their cases looked up by id:
    as an EXISTS per case, PostgreSQL hashed every running clock due after
    `now` and joined it with every open case the user may see.
    """
    now = now or timezone.now()
    soon = Deadline.objects.filter(due_at__gt=now, warn_at__lte=now, **RUNNING)
    return Q(pk__in=soon.values("case_id"))
