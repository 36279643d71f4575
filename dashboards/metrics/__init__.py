"""The dashboard figures: one piece of code for /dashboard/, its CSV exports and
GET /api/v1/metrics/summary/.

- `filters`: the filter (period, team, category, priority, channel) and scoping;
- `figures`: the period figures declared once, ORM aggregates over `CaseFacts`;
- `periods`: a period's figures from the rollup and the facts;
- `histograms`: the durations' histograms, a long period's percentiles;
- `items`: the figures per offer, follow-up and skip;
- `rows`: the figures about now and the customer counts, read from their
  own rows, and the shapes of the item figures;
- `tables` and `charts`: the same figures as titled tables and charts;
- `incidents`: per incident, its cases and customers and who was told first;
- `definitions`: what each figure means (page footnotes and API schema).

Reading never writes: the period figures are as of the last refresh of the
facts (`as_of`, shown on the page; beat refreshes every minute), the
figures about now are live.
"""

from collections import Counter
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from complaints.models import Category, RootCause

from ..changes import facts_as_of
from ..models import CaseFacts
from . import periods as fig
from . import rows
from .filters import MetricsFilter, filter_parse, scoped_cases
from .incidents import incident_figures

__all__ = ["filter_parse", "metrics_summary"]


def metrics_summary(
    *, user: Any, flt: MetricsFilter, now: datetime | None = None
) -> dict[str, Any]:
    """Compute every dashboard figure over the cases `user` may see."""
    now = now or timezone.now()
    cases = scoped_cases(user=user, flt=flt)
    facts = CaseFacts.objects.filter(flt.case_q())
    groups = rows.open_groups(cases=cases, now=now)
    stages = rows.stage_figures(groups, now)
    as_of = facts_as_of()
    row = fig.scalars(facts, flt, now, as_of)
    previous = fig.previous_filings(facts, flt, now, as_of)
    period = fig.period_figures(row)
    period["recovery"] |= rows.recovery_figures(row=row, flt=flt)
    period["recovery"]["incidents"] = incident_figures(user=user, flt=flt)
    return {
        "from": flt.start,
        "to": flt.end,
        "filter": flt,
        "bucket": fig.bucket_of(flt),
        "as_of": as_of,
        **{k: v for k, v in period.items() if k != "skipping"},
        "by_stage": {row["stage"]: row["open"] for row in stages},
        "open_now": sum(row["open"] for row in stages),
        "overdue": rows.overdue_count(cases=cases, now=now),
        "escalated": sum(row["escalated"] for row in groups),
        "stages": stages,
        "series": fig.series_figures(
            facts=facts,
            flt=flt,
            backlog_at_start=period["backlog_at_start"],
            as_of=as_of and min(as_of, now),
        ),
        "offers": rows.offer_figures(row=row, flt=flt),
        **rows.satisfaction_figures(row=row),
        "customers": rows.customer_figures(
            cases=cases,
            facts=facts,
            flt=flt,
            reaching=fig.reaches_now(flt, now, as_of),
            repeaters=row["repeat_complainants"]
            if fig.everyone(flt, now, as_of)
            else None,
        ),
        "categories": fig.ranking_figures(row, previous, Category, "c"),
        "root_causes": fig.ranking_figures(row, previous, RootCause, "r"),
        "agents": agent_figures(row=row, flt=flt, groups=groups),
        "skips": {**period["skipping"], "stages": rows.skip_figures(row)},
    }


def agent_figures(
    *, row: dict[str, int], flt: MetricsFilter, groups: list[dict]
) -> list[dict[str, Any]]:
    """Per assignee: workload now, period volume, SLA compliance, satisfaction."""
    load: Counter = Counter()
    for group in groups:
        if group["assignee_id"] is not None:
            load[group["assignee_id"]] += group["n"]
    period = fig.agent_period_figures(row)
    scores = rows.agent_scores(row)
    ids = set(load) | set(period) | set(scores)
    names = dict(
        get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")
    )
    result = []
    for pk in ids:
        row = period.get(pk, dict.fromkeys(fig.AGENT, 0))
        decided = row["on_time"] + row["missed"]
        result.append(
            {
                "username": names.get(pk, "?"),
                "open": load[pk],
                "filed": row["filed"],
                "closed": row["closed"],
                "sla_decided": decided,
                "sla_compliance": fig.share(row["on_time"], decided),
                "csat_average": round(scores[pk], 2) if pk in scores else None,
            }
        )
    return sorted(result, key=lambda r: (-r["open"], -r["filed"], r["username"]))
