"""Customer figures: repeat complainants of the period and customers at risk now.

Both are counts of customers, which no daily rollup can add up, so they read
the cases; each is shaped so the database does one pass over what it must
read (the period's cases; the open cases and the period's unhappy follow-ups)
and only the top rows are looked at further.
"""

from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet

from complaints.models import OPEN_STAGES, Case
from customers.models import Customer
from followups.models import FollowUp, Outcome

from .filters import MetricsFilter

TOP = 10


def customer_figures(*, cases: QuerySet[Case], flt: MetricsFilter) -> dict[str, Any]:
    """Repeat complainants of the period and customers at risk now."""
    repeat_count, repeat_top = _repeat(cases, flt)
    at_risk_count, at_risk_top = _at_risk(cases, flt)
    ids = [row["customer_id"] for row in repeat_top + at_risk_top]
    names = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "name"))
    for row in repeat_top + at_risk_top:
        row["name"] = names.get(row["customer_id"], "")
    return {
        "repeat_complainants": repeat_count,
        "repeat_top": repeat_top,
        "at_risk": at_risk_count,
        "at_risk_top": at_risk_top,
    }


def _repeat(cases: QuerySet[Case], flt: MetricsFilter) -> tuple[int, list[dict]]:
    """How many customers filed two or more cases in the period, and the top ones."""
    grouped = (
        cases.filter(created_at__gte=flt.lower, created_at__lt=flt.upper)
        .order_by()
        .values("customer_id")
        .annotate(n=Count("*"))
        .filter(n__gte=2)
    )
    sql, params = grouped.query.sql_with_params()
    # One pass: the count rides along with the top rows as a window.
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH s(customer_id, n) AS ({sql}) "  # noqa: S608 (the ORM's own SQL)
            "SELECT customer_id, n, count(*) OVER () FROM s "
            f"ORDER BY n DESC, customer_id LIMIT {TOP}",
            params,
        )
        rows = cursor.fetchall()
    top = [{"customer_id": pk, "cases": n} for pk, n, _ in rows]
    return (rows[0][2] if rows else 0), top


def _at_risk(cases: QuerySet[Case], flt: MetricsFilter) -> tuple[int, list[dict]]:
    """Customers with an open escalated or reopened case, or an unsatisfied
    follow-up in the period; the top ones by open escalations, then cases."""
    open_cases = cases.filter(stage__in=OPEN_STAGES)
    unhappy = FollowUp.objects.filter(
        flt.case_q("case__"),
        outcome=Outcome.UNSATISFIED,
        completed_at__gte=flt.lower,
        completed_at__lt=flt.upper,
    ).values("case__customer_id")
    # One pass over the open cases: who is at risk, and with how many escalations.
    escalated = dict(
        open_cases.filter(Q(escalation_level__gt=0) | Q(reopen_count__gt=0))
        .order_by()
        .values_list("customer_id")
        .annotate(n=Count("pk", filter=Q(escalation_level__gt=0)))
    )
    ids = set(escalated)
    ids |= set(unhappy.values_list("case__customer_id", flat=True))
    # Only customers tied with or above the tenth-most-escalated can make the
    # top, so only theirs need counting across every case.
    ranked = sorted((escalated.get(pk, 0) for pk in ids), reverse=True)
    floor = ranked[TOP - 1] if len(ranked) >= TOP else 0
    candidates = sorted(pk for pk in ids if escalated.get(pk, 0) >= floor)
    totals = dict(
        cases.filter(customer_id__in=candidates)
        .order_by()
        .values_list("customer_id")
        .annotate(n=Count("*"))
    )
    top = sorted(candidates, key=lambda pk: (-escalated.get(pk, 0), -totals[pk], pk))
    top = top[:TOP]
    opened = dict(
        open_cases.filter(customer_id__in=top)
        .order_by()
        .values_list("customer_id")
        .annotate(n=Count("*"))
    )
    return len(ids), [
        {
            "customer_id": pk,
            "cases": totals[pk],
            "open": opened.get(pk, 0),
            "escalated": escalated.get(pk, 0),
        }
        for pk in top
    ]
