"""Reads of regimes: the version in force, a case's clocks, outcome and letters."""

import copy
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from complaints.models import Case, OfferStatus
from complaints.selectors import cases_visible_to
from config.memo import Memo

from .models import (
    Letter,
    LetterApproval,
    LetterKind,
    Regime,
    RegimeRoute,
    StatutoryDeadline,
)

NONE = "none"


# Every filing reads its regime's version and route: kept per process, cleared
# in every worker when a regime or route is saved or deleted (`RegimesConfig`).
_versions = Memo("regime-versions")
_routes = Memo("regime-routes")


def regime_version(*, code: str, on: date | None = None) -> Regime | None:
    """The version of regime `code` in force on `on` (default today)."""
    on = on or timezone.localdate()
    kept = _versions.get(
        (code, on),
        lambda: (
            Regime.objects.filter(code=code, effective_from__lte=on)
            .order_by("-effective_from")
            .first()
        ),
    )
    # A copy: what one caller changes on its instance is not everyone's.
    return copy.copy(kept) if kept is not None else None


def regime_versions_in_force() -> list[Regime]:
    """One row per regime code: the version in force today."""
    seen: dict[str, Regime] = {}
    today = timezone.localdate()
    for regime in Regime.objects.filter(effective_from__lte=today).order_by(
        "code", "-effective_from"
    ):
        seen.setdefault(regime.code, regime)
    return list(seen.values())


def regime_code_for(*, category: Any, team: Any) -> str:
    """The regime of a case: its category's, else its team's, else DEFAULT_REGIME."""
    if category is not None:
        route = _route("category", category.pk)
        if route:
            return route
    if team is not None:
        route = _route("team", team.pk)
        if route:
            return route
    return getattr(settings, "DEFAULT_REGIME", NONE) or NONE


def _route(field: str, pk: int) -> str | None:
    def load() -> str | None:
        route = RegimeRoute.objects.filter(**{f"{field}_id": pk}).first()
        return route.regime if route else None

    return _routes.get((field, pk), load)


def regime_of_case(case: Case, *, at: datetime | None = None) -> Regime | None:
    """The version of the case's regime in force at `at` (default: its receipt)."""
    moment = at or case.received_at or case.created_at or timezone.now()
    return regime_version(code=case.regime, on=timezone.localdate(moment))


def case_letters(case: Case) -> QuerySet[Letter]:
    return Letter.objects.filter(case=case).select_related("sent_by")


def case_letter(case: Case, letter_id: int) -> Letter | None:
    """One letter of the case (None when the id names another case's)."""
    return Letter.objects.filter(case=case, pk=letter_id).first()


def letters_brief() -> QuerySet[Letter]:
    """Letters without their text and PDF, for prefetching with cases."""
    return Letter.objects.only(
        "id", "case_id", "kind", "outcome", "sent_at", "referral_window_ends"
    )


def case_final_letter(case: Case) -> Letter | None:
    """The last final response sent with an outcome, if any (from prefetch if any)."""
    letters = list(case.letters.all())
    finals = [
        letter
        for letter in letters
        if letter.kind == LetterKind.FINAL_RESPONSE and letter.outcome
    ]
    return max(finals, key=lambda x: (x.sent_at, x.pk)) if finals else None


def case_statutory_clocks(case: Case, *, now: datetime) -> list[dict[str, Any]]:
    """The case's statutory clocks as the case page shows them, beside the SLA's.

    `state`: met, breached, closed (a window that passed), soon (warned or past
    its warning time), running.
    """
    rows = []
    for row in StatutoryDeadline.objects.filter(case=case).select_related("regime"):
        if row.met_at:
            state = "met"
        elif row.breached_at or (row.breaches and row.due_at <= now):
            state = "breached"
        elif not row.breaches and row.due_at <= now:
            state = "closed"
        elif row.warn_at <= now:
            state = "soon"
        else:
            state = "running"
        zone = ZoneInfo(row.regime.time_zone)
        rows.append(
            {
                "kind": row.kind.replace("_", " "),
                "due_local": row.due_at.astimezone(zone),
                "tz": row.regime.time_zone,
                "window": not row.breaches,
                "state": state,
            }
        )
    return rows


def case_redress_paid(offers: Iterable[Any]) -> dict[str, str]:
    """Money paid on a case per currency: its fulfilled offers' amounts."""
    totals: dict[str, Decimal] = {}
    for offer in offers:
        if offer.status == OfferStatus.FULFILLED and offer.amount is not None:
            totals[offer.currency] = (
                totals.get(offer.currency, Decimal(0)) + offer.amount
            )
    return {currency: f"{total:.2f}" for currency, total in sorted(totals.items())}


def case_letter_approvals(case: Case) -> QuerySet[LetterApproval]:
    """The case's letters sent for approval, newest first."""
    return (
        LetterApproval.objects.filter(case=case)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at", "-id")
    )


def letter_approvals_visible_to(user: Any) -> QuerySet[LetterApproval]:
    """Approvals on the cases `user` may see (`cases_visible_to`)."""
    return LetterApproval.objects.filter(
        case__in=cases_visible_to(user)
    ).select_related("case", "requested_by", "decided_by")
