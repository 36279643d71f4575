"""Per incident opened in the period: what it reached and whether we told first.

For each incident (newest first, at most `INCIDENTS_SHOWN`): its linked cases
(within the dashboard's filter), linked customers, customers told (an
`IncidentNotice`), and of the linked cases how many were filed (received)
after their customer was told against before it or never told. Incidents are
managers' work (`service_recovery.selectors.incidents_visible_to`), so anyone
else gets no rows. Four queries, however many incidents.
"""

from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from service_recovery.models import (
    Incident,
    IncidentCase,
    IncidentCustomer,
    IncidentNotice,
)
from teams.selectors import is_manager

from .figures import within
from .filters import MetricsFilter

INCIDENTS_SHOWN = 50


def incident_figures(*, user: Any, flt: MetricsFilter) -> list[dict[str, Any]]:
    """One row per incident opened in the period (managers only)."""
    if not is_manager(user):
        return []
    incidents = list(
        Incident.objects.filter(within("created_at", flt))
        .order_by("-created_at", "-pk")
        .values("pk", "title", "created_at", "closed_at")[:INCIDENTS_SHOWN]
    )
    ids = [row["pk"] for row in incidents]
    customers = _counts(IncidentCustomer.objects.filter(incident_id__in=ids))
    told = _counts(IncidentNotice.objects.filter(incident_id__in=ids))
    told_at = IncidentNotice.objects.filter(
        incident_id=OuterRef("incident_id"), customer_id=OuterRef("case__customer_id")
    ).values("created_at")[:1]
    cases = {
        row["incident_id"]: row
        for row in IncidentCase.objects.filter(flt.case_q("case__"))
        .filter(incident_id__in=ids)
        .annotate(
            told_at=Subquery(told_at),
            filed=Coalesce("case__received_at", "case__created_at"),
        )
        .order_by()
        .values("incident_id")
        .annotate(n=Count("pk"), after=Count("pk", filter=Q(filed__gt=F("told_at"))))
    }
    rows = []
    for incident in incidents:
        pk = incident["pk"]
        linked = cases.get(pk, {"n": 0, "after": 0})
        rows.append(
            {
                "incident_id": pk,
                "title": incident["title"],
                "opened": incident["created_at"].date(),
                "closed": incident["closed_at"] is not None,
                "cases": linked["n"],
                "customers": customers.get(pk, 0),
                "told": told.get(pk, 0),
                "filed_after_told": linked["after"],
                "filed_before_told": linked["n"] - linked["after"],
            }
        )
    return rows


def _counts(rows: Any) -> dict[int, int]:
    grouped = rows.order_by().values("incident_id").annotate(n=Count("pk"))
    return {row["incident_id"]: row["n"] for row in grouped}
