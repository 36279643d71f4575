"""The figures about now, read from the rows themselves, and the shapes of
the figures counted per offer, follow-up and skip (`items`).

- about now (open cases by stage and assignee, overdue, pending approvals),
  through the indexes on open cases;
- offers, goodwill, satisfaction, agent scores and skipped stages, from the
  period's counts (`items` declares them);
- the customer counts (repeat complainants, customers at risk).
"""

from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet, Window
from django.db.models.functions import Rank

from complaints.models import (
    OPEN_STAGES,
    STAGE_ORDER,
    Case,
    Offer,
    OfferKind,
    OfferStatus,
    RootCause,
    Stage,
)
from config.numbers import whole_number
from customers.models import Customer
from followups.models import FollowUp, Outcome
from service_recovery.models import ProblemCase
from sla.selectors import overdue_q

from ..models import CaseFacts
from .figures import TOP, dated, keyed, mean, share, within
from .filters import MetricsFilter

STALL_DAYS = 7
CENT = Decimal("0.01")


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


def offer_figures(*, row: dict[str, int], flt: MetricsFilter) -> dict[str, Any]:
    """Offers made in the period by kind (and currency), and approvals pending now."""
    kinds: dict[str, dict[str, Any]] = {}
    for (name, currency), n in _grouped(row, "o").items():
        kind = kinds.setdefault(name, Counter())
        kind.update({k: v for k, v in n.items() if "cents" not in k})
        if n["priced"]:
            kind.setdefault("amounts", []).append(_money(currency, n))
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
    pending = Offer.objects.filter(
        flt.case_q("case__"), status=OfferStatus.PENDING_APPROVAL
    ).count()
    return {"by_kind": by_kind, "approvals_pending": pending}


def _grouped(row: dict[str, int], prefix: str) -> dict[tuple, Counter]:
    """The counts under `prefix` by their group ("<prefix>:<group…>:<name>")."""
    found: dict[tuple, Counter] = {}
    for (*group, name), n in keyed(row, prefix).items():
        found.setdefault(tuple(group), Counter())[name] = n
    return found


def _amount(cents: int) -> str:
    return str((Decimal(cents) / 100).quantize(CENT))


def _money(currency: str, n: Counter) -> dict[str, Any]:
    return {
        "currency": currency,
        "offers": n["n"],
        "total": _amount(n["cents"]),
        "average": str((Decimal(n["cents"]) / 100 / n["n"]).quantize(CENT)),
        "granted_total": _amount(n["granted_cents"]),
    }


def recovery_figures(*, row: dict[str, int], flt: MetricsFilter) -> dict[str, Any]:
    """Goodwill spent per root cause and currency; complaints per problem."""
    names = dict(RootCause.objects.values_list("pk", "name"))
    goodwill: dict[tuple, Counter] = {}
    for (cause, currency), n in _grouped(row, "g").items():
        name = names.get(whole_number(cause) or 0) or "(none recorded)"
        goodwill.setdefault((name, currency), Counter()).update(n)
    links = ProblemCase.objects.filter(
        flt.case_q("case__"), within("problem__opened_at", flt)
    ).aggregate(cases=Count("pk"), problems=Count("problem", distinct=True))
    return {
        "goodwill": sorted(
            (
                {
                    "root_cause": name,
                    "currency": currency,
                    "offers": n["n"],
                    "total": _amount(n["cents"]),
                }
                for (name, currency), n in goodwill.items()
            ),
            key=lambda r: (r["currency"], -Decimal(r["total"]), r["root_cause"]),
        ),
        "iceberg": {**links, "per_problem": mean(links["cases"], links["problems"])},
    }


def satisfaction_figures(*, row: dict[str, int]) -> dict[str, Any]:
    """Scores of follow-ups completed in the period; completion of those due in it."""
    f = Counter({name: n for (name,), n in keyed(row, "f").items()})
    return {
        "satisfaction": {
            "average": mean(f["csat_sum"], f["scored"]),
            "distribution": [
                {"score": n, "followups": f[f"csat_{n}"]} for n in range(1, 6)
            ],
            "completed": f["completed"],
            "scored": f["scored"],
            "unsatisfied": f["unsatisfied"],
            "response_rate": share(f["scored"], f["completed"]),
        },
        "followups": {
            "due": f["due"],
            "done": f["done"],
            "overdue": f["overdue"],
            "completion_rate": share(f["done"], f["due"]),
        },
    }


def agent_scores(row: dict[str, int]) -> dict[int, float]:
    """Per assignee, the average score of their cases' follow-ups completed in
    the period."""
    return {
        int(pk): n["csat_sum"] / n["n"]
        for (pk,), n in _grouped(row, "s").items()
        if n["n"]
    }


def skip_figures(row: dict[str, int]) -> list[dict]:
    """Which stages the skips made in the period jumped over, most skipped first."""
    counted = {stage: n for (stage,), n in keyed(row, "k").items() if n}
    ranked = sorted(counted.items(), key=lambda kv: (-kv[1], STAGE_ORDER.index(kv[0])))
    return [{"stage": s, "label": Stage(s).label, "skips": n} for s, n in ranked]


def customer_figures(
    *,
    cases: QuerySet[Case],
    facts: QuerySet[CaseFacts],
    flt: MetricsFilter,
    reaching: bool = False,
    repeaters: int | None = None,
) -> dict[str, Any]:
    """Repeat complainants of the period (counted from the facts' filings,
    as every period figure) and customers at risk now (a period `reaching`
    now reads them from the facts). Given the number of `repeaters` (over
    every case, a period reaching now), only the top ten are looked for: of
    all time, by each customer's count of cases."""
    if repeaters is not None and flt.preset == "all":
        top = CaseFacts.objects.filter(customer_cases__gte=2).order_by(
            "-customer_cases", "customer_id"
        )
        repeat_top = list(top.values("customer_id", cases=F("customer_cases"))[:TOP])
    else:
        repeat = (
            dated(facts, flt, "filed_at")
            .order_by()
            .values("customer_id")
            .annotate(cases=Count("*"))
            .filter(cases__gte=2)
            .order_by("-cases", "customer_id")
        )
        if repeaters is None:  # with the number of such customers, in one pass
            repeat = repeat.annotate(total=Window(Count("*")))
        repeat_top = list(repeat[:TOP])
        for row in repeat_top:
            repeaters = row.pop("total", repeaters)
    at_risk_count, at_risk_top = _at_risk(cases, flt, reaching)
    names = dict(
        Customer.objects.filter(
            pk__in=[r["customer_id"] for r in repeat_top + at_risk_top]
        ).values_list("pk", "name")
    )
    for row in repeat_top + at_risk_top:
        row["name"] = names.get(row["customer_id"], "")
    return {
        "repeat_complainants": repeaters or 0,
        "repeat_top": repeat_top,
        "at_risk": at_risk_count,
        "at_risk_top": at_risk_top,
    }


def _at_risk(
    cases: QuerySet[Case], flt: MetricsFilter, reaching: bool
) -> tuple[int, list[dict]]:
    """Customers with an open escalated or reopened case, or an unsatisfied
    follow-up in the period (`reaching` now: a case's latest since its
    start); the top ones by open escalations, then cases. Counted and
    ranked in the database, however many customers are at risk."""
    open_q = Q(stage__in=OPEN_STAGES)
    escalated_q = open_q & Q(escalation_level__gt=0)
    if reaching:
        unhappy = CaseFacts.objects.filter(flt.case_q(), unhappy_at__gte=flt.lower)
        unhappy = unhappy.values("customer_id")
    else:
        unhappy = FollowUp.objects.filter(
            flt.case_q("case__"),
            within("completed_at", flt),
            outcome=Outcome.UNSATISFIED,
        ).values("case__customer_id")
    risky = cases.filter(open_q & (Q(escalation_level__gt=0) | Q(reopen_count__gt=0)))
    at_risk = risky.order_by().values("customer_id").union(unhappy.order_by())
    # Only customers tied with or above the tenth-most-escalated can make the
    # top (ranked tenth or better): when ten have an open escalation, only
    # theirs need counting, found in one pass.
    ranked = (
        cases.filter(escalated_q)
        .order_by()
        .values("customer_id")
        .annotate(n=Count("pk"))
        .annotate(rank=Window(Rank(), order_by=F("n").desc()))
        .filter(rank__lte=TOP)
    )
    # (Their ids as a list: the planner cannot foresee how few they are.)
    candidates = [row["customer_id"] for row in ranked]
    if len(candidates) < TOP:
        candidates = at_risk
    top = (
        cases.filter(customer_id__in=candidates)
        .order_by()
        .values("customer_id")
        .annotate(
            cases=Count("pk"),
            open=Count("pk", filter=open_q),
            escalated=Count("pk", filter=escalated_q),
        )
        .order_by("-escalated", "-cases", "customer_id")
    )
    return at_risk.count(), list(top[:TOP])
