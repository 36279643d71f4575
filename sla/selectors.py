"""Reads about the SLA clocks that other rooms filter cases by."""

from datetime import datetime

from django.db import connection
from django.db.models import Exists, F, Lookup, OuterRef, Q
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

    On PostgreSQL the clocks are read first, by due time (index
    `deadline_running_due`, from `now` on: 25,000 entries at 1M cases), and
    their cases then by key (`id = ANY(ARRAY(...))`). As a semi-join the
    planner could build the whole set instead: listing the queue hashed the
    window's clocks and walked every open case to meet them (200,000 at 1M,
    in parallel; 50-110 ms).
    """
    now = now or timezone.now()
    soon = Deadline.objects.filter(due_at__gt=now, warn_at__lte=now, **RUNNING)
    soon = soon.order_by()
    if connection.vendor != "postgresql":
        return Q(pk__in=soon.values("case_id"))
    from django.contrib.postgres.expressions import ArraySubquery

    return Q(AnyOf(F("pk"), ArraySubquery(soon.values("case_id"))))


class AnyOf(Lookup):
    """`column = ANY(array)`: an array computed once (an InitPlan), then read by key."""

    lookup_name = "any_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)
