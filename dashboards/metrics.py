"""The dashboard figures: one piece of code for /dashboard/ and the metrics API.

First version: opened/closed in a period, open cases by stage, overdue,
escalated. The dashboards work extends it.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone

from complaints.models import OPEN_STAGES, Case
from complaints.selectors import cases_visible_to, overdue_q


def metrics_summary(
    *, user: Any, start: date | None = None, end: date | None = None, **filters: Any
) -> dict[str, Any]:
    """Compute the summary figures of the cases `user` may see."""
    tz = timezone.get_current_timezone()
    end = end or timezone.localdate()
    start = start or end - timedelta(days=29)
    lower = datetime.combine(start, time.min, tzinfo=tz)
    upper = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    cases = cases_visible_to(user).filter(**filters)
    open_cases = cases.filter(stage__in=OPEN_STAGES)
    by_stage = dict.fromkeys(OPEN_STAGES, 0)
    by_stage.update(
        {
            row["stage"]: row["n"]
            for row in open_cases.values("stage").annotate(n=Count("id"))
        }
    )
    return {
        "from": start,
        "to": end,
        "opened": cases.filter(created_at__gte=lower, created_at__lt=upper).count(),
        "closed": cases.filter(closed_at__gte=lower, closed_at__lt=upper).count(),
        "by_stage": by_stage,
        "overdue": open_cases.filter(overdue_q()).count(),
        "escalated": open_cases.filter(escalation_level__gt=0).count(),
    }


__all__ = ["metrics_summary", "Case"]
