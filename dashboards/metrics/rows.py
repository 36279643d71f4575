"""Figures read from the rows themselves rather than from `CaseFacts`.

- about now (open cases by stage and assignee, overdue, pending approvals),
  through the indexes on open cases;
- per offer and per follow-up (kinds, currencies, scores), through their
  own timestamp indexes;
- the stages skipped (the few skip events, a partial index), and the
  customer counts (repeat complainants, customers at risk).
Each figure is declared once, as an ORM aggregate.
"""

from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Min, Q, QuerySet, Sum

from complaints.models import (
    OPEN_STAGES,
    STAGE_ORDER,
    Case,
    Event,
    Offer,
    OfferKind,
    OfferStatus,
    Stage,
)
from customers.models import Customer
from followups.models import FollowUp, FollowUpStatus, Outcome
from service_recovery.models import ProblemCase
from sla.selectors import overdue_q

from .figures import TOP, mean, share, within
from .filters import MetricsFilter

STALL_DAYS = 7
CENT = Decimal("0.01")
GRANTED = (OfferStatus.ACCEPTED, OfferStatus.FULFILLED)
DECIDED = (*GRANTED, OfferStatus.DECLINED, OfferStatus.COUNTERED)


def open_groups(*, cases: QuerySet[Case], now: datetime) -> list[dict[str, Any]]:
    """The open cases now per stage and assignee: how many, stalled, escalated,
    and the oldest filing (one pass)."""
    quiet = now - timedelta(days=STALL_DAYS)
    return list(
        cases.filter(stage__in=OPEN_STAGES)
        .order_by()
        .values("stage", "assignee_id")
        .annotate(
            n=Count("pk"),
            stalled=Count("pk", filter=Q(updated_at__lt=quiet)),
            escalated=Count("pk", filter=Q(escalation_level__gt=0)),
            oldest=Min("created_at"),
        )
    )


def stage_figures(groups: list[dict[str, Any]], now: datetime) -> list[dict]:
    """Open cases now by stage: how many, how many stalled, oldest in days."""
    result = []
    for stage in OPEN_STAGES:
        rows = [row for row in groups if row["stage"] == stage]
        oldest = min((row["oldest"] for row in rows), default=None)
        result.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "open": sum(row["n"] for row in rows),
                "stalled": sum(row["stalled"] for row in rows),
                "oldest_days": (now - oldest).days if oldest else None,
            }
        )
    return result


def overdue_count(*, cases: QuerySet[Case], now: datetime) -> int:
    """Open cases with a running SLA deadline past due."""
    return cases.filter(Q(stage__in=OPEN_STAGES), overdue_q(now)).count()


def offer_figures(*, flt: MetricsFilter) -> dict[str, Any]:
    """Offers made in the period by kind (and currency), and approvals pending now."""
    scoped = Offer.objects.filter(flt.case_q("case__"))
    rows = (
        scoped.filter(within("created_at", flt))
        .order_by()
        .values("kind", "currency")
        .annotate(
            n=Count("pk"),
            granted=Count("pk", filter=Q(status__in=GRANTED)),
            decided=Count("pk", filter=Q(status__in=DECIDED)),
            approval=Count("pk", filter=Q(needed_approval=True)),
            total=Sum("amount"),
            granted_total=Sum("amount", filter=Q(status__in=GRANTED)),
        )
    )
    kinds: dict[str, dict[str, Any]] = {}
    for row in rows:
        kind = kinds.setdefault(
            row["kind"], dict.fromkeys(("n", "granted", "decided", "approval"), 0)
        )
        for name in ("n", "granted", "decided", "approval"):
            kind[name] += row[name]
        if row["total"] is not None:
            kind.setdefault("amounts", []).append(_money(row))
    by_kind = [
        {
            "kind": name,
            "label": OfferKind(name).label,
            "count": k["n"],
            "accepted": k["granted"],
            "decided": k["decided"],
            "acceptance_rate": share(k["granted"], k["decided"]),
            "needed_approval": k["approval"],
            "needed_approval_share": share(k["approval"], k["n"]),
            "amounts": sorted(k.get("amounts", []), key=lambda a: a["currency"]),
        }
        for name, k in sorted(kinds.items(), key=lambda kv: (-kv[1]["n"], kv[0]))
    ]
    pending = scoped.filter(status=OfferStatus.PENDING_APPROVAL).count()
    return {"by_kind": by_kind, "approvals_pending": pending}


def _money(row: dict[str, Any]) -> dict[str, Any]:
    total: Decimal = row["total"]
    return {
        "currency": row["currency"],
        "offers": row["n"],
        "total": str(total.quantize(CENT)),
        "average": str((total / row["n"]).quantize(CENT)),
        "granted_total": str((row["granted_total"] or Decimal(0)).quantize(CENT)),
    }


def recovery_figures(*, flt: MetricsFilter) -> dict[str, Any]:
    """Goodwill spent per root cause and currency; complaints per problem."""
    goodwill = (
        Offer.objects.filter(
            flt.case_q("case__"),
            within("created_at", flt),
            status=OfferStatus.FULFILLED,
            amount__isnull=False,
        )
        .order_by()
        .values("case__root_cause__name", "currency")
        .annotate(offers=Count("pk"), total=Sum("amount"))
    )
    links = ProblemCase.objects.filter(
        flt.case_q("case__"), within("problem__opened_at", flt)
    ).aggregate(cases=Count("pk"), problems=Count("problem", distinct=True))
    return {
        "goodwill": sorted(
            (
                {
                    "root_cause": row["case__root_cause__name"] or "(none recorded)",
                    "currency": row["currency"],
                    "offers": row["offers"],
                    "total": str(row["total"].quantize(CENT)),
                }
                for row in goodwill
            ),
            key=lambda r: (r["currency"], -Decimal(r["total"]), r["root_cause"]),
        ),
        "iceberg": {**links, "per_problem": mean(links["cases"], links["problems"])},
    }


def satisfaction_figures(*, flt: MetricsFilter, now: datetime) -> dict[str, Any]:
    """Scores of follow-ups completed in the period; completion of those due in it."""
    done_in = Q(status=FollowUpStatus.DONE) & within("completed_at", flt)
    due_in = within("due_at", flt) & ~Q(status=FollowUpStatus.CANCELLED)
    scores = {f"csat_{n}": Count("pk", filter=done_in & Q(csat=n)) for n in range(1, 6)}
    row = (
        FollowUp.objects.filter(flt.case_q("case__"))
        .filter(done_in | due_in)
        .aggregate(
            completed=Count("pk", filter=done_in),
            scored=Count("pk", filter=done_in & Q(csat__isnull=False)),
            average=Avg("csat", filter=done_in),
            unsatisfied=Count("pk", filter=done_in & Q(outcome=Outcome.UNSATISFIED)),
            due=Count("pk", filter=due_in),
            done=Count("pk", filter=due_in & Q(status=FollowUpStatus.DONE)),
            overdue=Count(
                "pk",
                filter=due_in & Q(status=FollowUpStatus.SCHEDULED, due_at__lt=now),
            ),
            **scores,
        )
    )
    average = row["average"]
    return {
        "satisfaction": {
            "average": round(average, 2) if average is not None else None,
            "distribution": [
                {"score": n, "followups": row[f"csat_{n}"]} for n in range(1, 6)
            ],
            "completed": row["completed"],
            "scored": row["scored"],
            "unsatisfied": row["unsatisfied"],
            "response_rate": share(row["scored"], row["completed"]),
        },
        "followups": {
            "due": row["due"],
            "done": row["done"],
            "overdue": row["overdue"],
            "completion_rate": share(row["done"], row["due"]),
        },
    }


def agent_scores(*, flt: MetricsFilter) -> dict[int, float]:
    """Per assignee, the average score of their cases' follow-ups completed in
    the period."""
    return dict(
        FollowUp.objects.filter(
            flt.case_q("case__"),
            within("completed_at", flt),
            case__assignee__isnull=False,
            status=FollowUpStatus.DONE,
            csat__isnull=False,
        )
        .order_by()
        .values_list("case__assignee")
        .annotate(avg=Avg("csat"))
    )


def skip_figures(cases: QuerySet[Case], flt: MetricsFilter) -> list[dict]:
    """Which stages the skips made in the period jumped over, most skipped first."""
    # Skip events are few: a partial index (migration dashboards 0003) finds them.
    lists = Event.objects.filter(
        within("created_at", flt),
        case_id__in=cases.filter(skipped_steps__gt=0).values("pk"),
        kind="stage_changed",
        data__move="skip",
    ).values_list("data__skipped", flat=True)
    counted: Counter = Counter()
    for skipped in lists:
        counted.update(s for s in skipped or () if s in STAGE_ORDER)
    ranked = sorted(counted.items(), key=lambda kv: (-kv[1], STAGE_ORDER.index(kv[0])))
    return [{"stage": s, "label": Stage(s).label, "skips": n} for s, n in ranked]


def customer_figures(*, cases: QuerySet[Case], flt: MetricsFilter) -> dict[str, Any]:
    """Repeat complainants of the period and customers at risk now."""
    repeat = (
        cases.filter(within("created_at", flt))
        .order_by()
        .values("customer_id")
        .annotate(cases=Count("*"))
        .filter(cases__gte=2)
    )
    repeat_top = list(repeat.order_by("-cases", "customer_id")[:TOP])
    at_risk_count, at_risk_top = _at_risk(cases, flt)
    names = dict(
        Customer.objects.filter(
            pk__in=[r["customer_id"] for r in repeat_top + at_risk_top]
        ).values_list("pk", "name")
    )
    for row in repeat_top + at_risk_top:
        row["name"] = names.get(row["customer_id"], "")
    return {
        "repeat_complainants": repeat.count(),
        "repeat_top": repeat_top,
        "at_risk": at_risk_count,
        "at_risk_top": at_risk_top,
    }


def _at_risk(cases: QuerySet[Case], flt: MetricsFilter) -> tuple[int, list[dict]]:
    """Customers with an open escalated or reopened case, or an unsatisfied
    follow-up in the period; the top ones by open escalations, then cases."""
    open_cases = cases.filter(stage__in=OPEN_STAGES)
    unhappy = FollowUp.objects.filter(
        flt.case_q("case__"), within("completed_at", flt), outcome=Outcome.UNSATISFIED
    ).values_list("case__customer_id", flat=True)
    escalated = dict(
        open_cases.filter(Q(escalation_level__gt=0) | Q(reopen_count__gt=0))
        .order_by()
        .values_list("customer_id")
        .annotate(n=Count("pk", filter=Q(escalation_level__gt=0)))
    )
    ids = set(escalated) | set(unhappy)
    # Only customers tied with or above the tenth-most-escalated can make the
    # top, so only theirs need counting across every case.
    ranked = sorted((escalated.get(pk, 0) for pk in ids), reverse=True)
    floor = ranked[TOP - 1] if len(ranked) >= TOP else 0
    candidates = [pk for pk in ids if escalated.get(pk, 0) >= floor]
    totals, opened = (
        dict(
            qs.filter(customer_id__in=candidates)
            .order_by()
            .values_list("customer_id")
            .annotate(n=Count("*"))
        )
        for qs in (cases, open_cases)
    )
    top = sorted(candidates, key=lambda pk: (-escalated.get(pk, 0), -totals[pk], pk))
    return len(ids), [
        {
            "customer_id": pk,
            "cases": totals[pk],
            "open": opened.get(pk, 0),
            "escalated": escalated.get(pk, 0),
        }
        for pk in top[:TOP]
    ]
