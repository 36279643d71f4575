"""Cases with clocks of every kind, and the orders they are held to: the
inbox's walked orders and small queues are checked against the sorted query."""

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from sla.models import Deadline
from web.selectors.inbox import SORTS, _priority_rank
from web.selectors.inbox_due import next_due


def sorted_ids(cases, sort: str) -> list[int]:
    """The order as one sorted query gives it (what the inbox did before)."""
    annotated = cases.annotate(
        next_due_at=next_due("due_at"), priority_rank=_priority_rank()
    )
    return list(annotated.order_by(*SORTS[sort][1]).values_list("pk", flat=True))


def pages(listing, size: int, total: int) -> list[int]:
    return [pk for at in range(0, total + size, size) for pk in listing[at : at + size]]


def clock(case, kind: str, hours: float, *, now=None, **state) -> None:
    """A clock due `hours` after `now`, running unless `state` says otherwise."""
    now = now or timezone.now()
    at = now + timedelta(hours=hours)
    Deadline.objects.update_or_create(
        case=case,
        kind=kind,
        defaults={
            "target_minutes": 60,
            "started_at": now,
            "due_at": at,
            "warn_at": at,
            "met_at": None,
            "paused_at": None,
            "cancelled_at": None,
            **state,
        },
    )


def last_read(captured) -> str:
    """The last query that read rows (not a planner setting set or reset)."""
    return next(
        q["sql"]
        for q in reversed(captured.captured_queries)
        if q["sql"].startswith(("SELECT", "(SELECT", "WITH"))
    )


def explain(rows) -> str:
    return explain_sql(*rows.query.sql_with_params())


def explain_sql(sql: str, params=()) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        # The tables are tiny: ask the planner for the plan it has at scale,
        # where reading all and sorting is what costs (and the old order,
        # by a subquery or a CASE, could only be sorted).
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def full_sorts(plan: str) -> list[str]:
    return [line for line in plan.splitlines() if line.strip().startswith("->  Sort")]
