"""How long a case is kept, and which cases are past it (reads only).

A closed case's retention ends at its closure (`closed_at`) plus the period
of the `RetentionRule` in force for its regime (a rule naming the case's
category slug first), or `DEFAULT_RETENTION_DAYS` when its regime has none.
An open case, or one on an active legal hold (its own or its customer's), is
never past retention.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from complaints.models import Case, Stage
from customers.models import Customer

from .models import AnonymisedCase, LegalHold, RetentionRule


@dataclass(frozen=True)
class Period:
    years: int
    days: int
    source: str

    def after(self, moment: datetime) -> datetime:
        """`moment` plus the period (years on the calendar: 29 Feb → 28 Feb)."""
        year = moment.year + self.years
        day = min(moment.day, calendar.monthrange(year, moment.month)[1])
        return moment.replace(year=year, day=day) + timedelta(days=self.days)


def default_period() -> Period:
    return Period(0, settings.DEFAULT_RETENTION_DAYS, "DEFAULT_RETENTION_DAYS")


def retention_periods(*, on: date | None = None) -> dict[tuple[str, str], Period]:
    """Every rule in force on `on` (today), keyed by (regime, category slug)."""
    on = on or timezone.localdate()
    found: dict[tuple[str, str], Period] = {}
    rules = RetentionRule.objects.filter(effective_from__lte=on).order_by(
        "regime", "category_slug", "-effective_from"
    )
    for rule in rules:
        found.setdefault(
            (rule.regime, rule.category_slug),
            Period(rule.years, rule.days, rule.source),
        )
    return found


def period_for(
    regime: str, category_slug: str, periods: dict[tuple[str, str], Period]
) -> Period:
    """The period of a case of `regime` and `category_slug` (most specific first)."""
    return (
        periods.get((regime, category_slug or ""))
        or periods.get((regime, ""))
        or default_period()
    )


def retention_ends(
    case: Case, *, periods: dict[tuple[str, str], Period] | None = None
) -> datetime | None:
    """When the case's retention ends; None while it is open."""
    if case.stage != Stage.CLOSED or case.closed_at is None:
        return None
    periods = retention_periods() if periods is None else periods
    slug = case.category.slug if case.category_id else ""
    return period_for(case.regime, slug, periods).after(case.closed_at)


def active_holds() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(lifted_at__isnull=True)


def held_q(prefix: str = "") -> Q:
    """Cases (`prefix` + case fields) under an active hold of their own or their
    customer's."""
    holds = active_holds()
    return Q(
        Exists(holds.filter(case_id=OuterRef(f"{prefix}pk")))
        | Exists(holds.filter(customer_id=OuterRef(f"{prefix}customer_id")))
    )


def case_is_held(case: Case) -> bool:
    """Whether the case or its customer is under an active legal hold."""
    return (
        active_holds().filter(Q(case=case) | Q(customer_id=case.customer_id)).exists()
    )


def customer_is_held(customer: Customer) -> bool:
    """Whether the customer, or any one of their cases, is under an active hold."""
    return (
        active_holds()
        .filter(Q(customer=customer) | Q(case__customer=customer))
        .exists()
    )


def cases_past_retention(*, now: datetime | None = None) -> list[tuple[Case, datetime]]:
    """Closed cases not yet anonymised, not held, whose retention ended by `now`.

    Returns (case, when its retention ended), oldest closure first. Reads the
    closed, unanonymised cases closed at least the shortest period ago.
    """
    now = now or timezone.now()
    periods = retention_periods(on=timezone.localdate(now))
    # A calendar year has at least 365 days: a safe lower bound of each period.
    shortest = min(
        timedelta(days=p.years * 365 + p.days)
        for p in [*periods.values(), default_period()]
    )
    candidates = (
        Case.objects.filter(
            stage=Stage.CLOSED,
            closed_at__isnull=False,
            closed_at__lte=now - shortest,
        )
        .exclude(Exists(AnonymisedCase.objects.filter(case_id=OuterRef("pk"))))
        .exclude(held_q())
        .select_related("category")
        .only("pk", "reference", "regime", "stage", "closed_at", "category__slug")
        .order_by("closed_at", "pk")
    )
    due = []
    for case in candidates.iterator(chunk_size=500):
        ends = retention_ends(case, periods=periods)
        if ends is not None and ends <= now:
            due.append((case, ends))
    return due


def customers_to_anonymise() -> QuerySet[Customer]:
    """Customers with cases, every one of them anonymised, not yet anonymised
    themselves and not held."""
    from .models import AnonymisedCustomer

    unanonymised = Case.objects.filter(customer_id=OuterRef("pk")).exclude(
        Exists(AnonymisedCase.objects.filter(case_id=OuterRef("pk")))
    )
    return (
        Customer.objects.filter(Exists(Case.objects.filter(customer_id=OuterRef("pk"))))
        .exclude(Exists(unanonymised))
        .exclude(Exists(AnonymisedCustomer.objects.filter(customer_id=OuterRef("pk"))))
        .exclude(Exists(active_holds().filter(customer_id=OuterRef("pk"))))
        .order_by("pk")
    )


@dataclass(frozen=True)
class CaseRetention:
    reference: str
    ends: datetime | None
    anonymised_at: datetime | None
    held: bool


def retention_of_customer(customer: Customer) -> list[CaseRetention]:
    """Each case of the customer: when its retention ends (None while open),
    when it was anonymised, whether it is held (a fixed number of queries)."""
    periods = retention_periods()
    holds = list(
        active_holds()
        .filter(Q(customer=customer) | Q(case__customer=customer))
        .values_list("case_id", "customer_id")
    )
    held_cases = {case_id for case_id, _ in holds if case_id}
    customer_held = any(customer_id for _, customer_id in holds)
    cases = (
        Case.objects.filter(customer=customer)
        .select_related("category", "anonymised")
        .only(
            "pk",
            "reference",
            "regime",
            "stage",
            "closed_at",
            "category__slug",
            "anonymised__at",
        )
        .order_by("created_at", "pk")
    )
    found = []
    for case in cases:
        record = getattr(case, "anonymised", None)
        found.append(
            CaseRetention(
                reference=case.reference,
                ends=retention_ends(case, periods=periods),
                anonymised_at=record.at if record else None,
                held=customer_held or case.pk in held_cases,
            )
        )
    return found
