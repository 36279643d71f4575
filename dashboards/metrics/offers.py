"""Offer figures: by kind, amounts per currency, acceptance, approvals."""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from complaints.models import Case, Offer, OfferKind, OfferStatus

from ..models.measures import DECIDED, GRANTED
from .filters import MetricsFilter


def offer_figures(*, cases: QuerySet[Case], flt: MetricsFilter) -> dict[str, Any]:
    """Offers made in the period by kind (and currency), and approvals pending now."""
    scoped = Offer.objects.filter(flt.case_q("case__"))
    made = scoped.filter(created_at__gte=flt.lower, created_at__lt=flt.upper)
    rows = list(
        made.order_by()
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
    pending = scoped.filter(status=OfferStatus.PENDING_APPROVAL).count()
    return offer_shape(rows, pending)


def offer_shape(rows: list[dict[str, Any]], pending: int) -> dict[str, Any]:
    """Offers by kind from rows per (kind, currency) of n, granted, decided,
    approval, total and granted_total (None: no amounts)."""
    kinds: dict[str, dict[str, Any]] = {}
    for row in rows:
        kind = kinds.setdefault(row["kind"], _empty(row["kind"]))
        for name in ("n", "granted", "decided", "approval"):
            kind[name] += row[name]
        if row["total"] is not None:
            kind["amounts"].append(_money(row))
    result = []
    for kind in sorted(kinds.values(), key=lambda k: (-k["n"], k["kind"])):
        result.append(
            {
                "kind": kind["kind"],
                "label": OfferKind(kind["kind"]).label,
                "count": kind["n"],
                "accepted": kind["granted"],
                "decided": kind["decided"],
                "acceptance_rate": _share(kind["granted"], kind["decided"]),
                "needed_approval": kind["approval"],
                "needed_approval_share": _share(kind["approval"], kind["n"]),
                "amounts": sorted(kind["amounts"], key=lambda a: a["currency"]),
            }
        )
    return {"by_kind": result, "approvals_pending": pending}


def _empty(kind: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "n": 0,
        "granted": 0,
        "decided": 0,
        "approval": 0,
        "amounts": [],
    }


def _money(row: dict[str, Any]) -> dict[str, Any]:
    total: Decimal = row["total"]
    return {
        "currency": row["currency"],
        "offers": row["n"],
        "total": str(total),
        "average": str((total / row["n"]).quantize(Decimal("0.01"))),
        "granted_total": str(row["granted_total"] or Decimal("0.00")),
    }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
