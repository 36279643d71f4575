"""Figures about people: satisfaction, follow-ups, causes, agents."""

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Q, QuerySet

from complaints.models import OPEN_STAGES, Case
from followups.models import FollowUp, FollowUpStatus, Outcome
from sla.models import Deadline, DeadlineKind

from .filters import MetricsFilter
from .sla import decided_q

TOP = 10


def satisfaction_figures(
    *, cases: QuerySet[Case], flt: MetricsFilter, now: datetime
) -> dict[str, Any]:
    """Scores of follow-ups completed in the period; completion of those due in it."""
    scoped = FollowUp.objects.filter(flt.case_q("case__"))
    done_in = Q(
        status=FollowUpStatus.DONE,
        completed_at__gte=flt.lower,
        completed_at__lt=flt.upper,
    )
    due_in = Q(due_at__gte=flt.lower, due_at__lt=flt.upper) & ~Q(
        status=FollowUpStatus.CANCELLED
    )
    scores = {f"csat_{n}": Count("pk", filter=done_in & Q(csat=n)) for n in range(1, 6)}
    row = scoped.filter(done_in | due_in).aggregate(
        completed=Count("pk", filter=done_in),
        scored=Count("pk", filter=done_in & Q(csat__isnull=False)),
        average=Avg("csat", filter=done_in),
        unsatisfied=Count("pk", filter=done_in & Q(outcome=Outcome.UNSATISFIED)),
        due=Count("pk", filter=due_in),
        due_done=Count("pk", filter=due_in & Q(status=FollowUpStatus.DONE)),
        overdue=Count(
            "pk", filter=due_in & Q(status=FollowUpStatus.SCHEDULED, due_at__lt=now)
        ),
        **scores,
    )
    return satisfaction_shape(row)


def satisfaction_shape(row: dict[str, Any]) -> dict[str, Any]:
    """Satisfaction and follow-up completion from their counts (raw or rolled)."""
    return {
        "satisfaction": {
            "average": round(row["average"], 2) if row["average"] is not None else None,
            "distribution": [
                {"score": n, "followups": row[f"csat_{n}"]} for n in range(1, 6)
            ],
            "completed": row["completed"],
            "scored": row["scored"],
            "unsatisfied": row["unsatisfied"],
            "response_rate": _share(row["scored"], row["completed"]),
        },
        "followups": {
            "due": row["due"],
            "done": row["due_done"],
            "overdue": row["overdue"],
            "completion_rate": _share(row["due_done"], row["due"]),
        },
    }


def ranking_figures(
    *, cases: QuerySet[Case], flt: MetricsFilter, field: str
) -> list[dict[str, Any]]:
    """Cases filed by `field` (category or root_cause): now, before, trend, share."""
    before = flt.previous()
    now_q = Q(created_at__gte=flt.lower, created_at__lt=flt.upper)
    before_q = Q(created_at__gte=before.lower, created_at__lt=before.upper)
    rows = list(
        cases.filter(now_q | before_q)
        .order_by()
        .values(field, f"{field}__slug", f"{field}__name")
        .annotate(n=Count("pk", filter=now_q), previous=Count("pk", filter=before_q))
        .order_by("-n", f"{field}__name")
    )
    return ranking_shape(rows, field)


def ranking_shape(rows: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    """The top of a ranking from rows of {field, field__slug, field__name, n,
    previous}, sorted by cases filed then name."""
    total = sum(r["n"] for r in rows)
    running, result = 0, []
    for row in rows:
        running += row["n"]
        if len(result) >= TOP or not (row["n"] or row["previous"]):
            continue
        result.append(
            {
                "id": row[field],
                "slug": row[f"{field}__slug"] or "",
                "name": row[f"{field}__name"] or "(none recorded)",
                "cases": row["n"],
                "previous": row["previous"],
                "change": row["n"] - row["previous"],
                "cumulative_share": round(running / total, 4) if total else None,
            }
        )
    return result


def agent_figures(
    *, cases: QuerySet[Case], flt: MetricsFilter, now: datetime
) -> list[dict[str, Any]]:
    """Per assignee: workload now, period volume, SLA compliance, satisfaction."""
    in_period = Q(created_at__gte=flt.lower, created_at__lt=flt.upper)
    closed = Q(closed_at__gte=flt.lower, closed_at__lt=flt.upper)
    load = {
        r["assignee"]: r
        for r in cases.filter(assignee__isnull=False)
        .filter(Q(stage__in=OPEN_STAGES) | in_period | closed)
        .order_by()
        .values("assignee")
        .annotate(
            open=Count("pk", filter=Q(stage__in=OPEN_STAGES)),
            filed=Count("pk", filter=in_period),
            closed=Count("pk", filter=closed),
        )
    }
    on_time, missed = decided_q(flt, now)
    sla = {
        r["case__assignee"]: r
        for r in Deadline.objects.filter(
            flt.case_q("case__"),
            case__assignee__isnull=False,
            kind=DeadlineKind.FIRST_RESPONSE,
        )
        .filter(on_time | missed)
        .order_by()
        .values("case__assignee")
        .annotate(
            on_time=Count("pk", filter=on_time), missed=Count("pk", filter=missed)
        )
    }
    csat = dict(
        FollowUp.objects.filter(
            flt.case_q("case__"),
            case__assignee__isnull=False,
            status=FollowUpStatus.DONE,
            completed_at__gte=flt.lower,
            completed_at__lt=flt.upper,
            csat__isnull=False,
        )
        .order_by()
        .values_list("case__assignee")
        .annotate(avg=Avg("csat"))
    )
    return agent_shape(load, sla, csat)


def agent_shape(load: dict, sla: dict, csat: dict) -> list[dict[str, Any]]:
    """Per assignee: {open, filed, closed} load, {on_time, missed} first-response
    clocks and the average score (each keyed by user id)."""
    ids = set(load) | set(sla) | set(csat)
    names = dict(
        get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")
    )
    result = []
    for pk in ids:
        row, clock = load.get(pk, {}), sla.get(pk, {"on_time": 0, "missed": 0})
        decided = clock["on_time"] + clock["missed"]
        result.append(
            {
                "username": names.get(pk, "?"),
                "open": row.get("open", 0),
                "filed": row.get("filed", 0),
                "closed": row.get("closed", 0),
                "sla_decided": decided,
                "sla_compliance": _share(clock["on_time"], decided),
                "csat_average": round(csat[pk], 2) if pk in csat else None,
            }
        )
    return sorted(result, key=lambda r: (-r["open"], -r["filed"], r["username"]))


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
