"""A customer's history: earlier cases, satisfaction, offers, who handled them.

Lists only cases the viewer may see, and says how many more exist elsewhere,
so whoever picks up a case knows what happened before without leaking
another team's details.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.translation import ngettext

from complaints.models import OPEN_STAGES, Case, CloseReason, Offer
from complaints.selectors import cases_visible_to
from customers.models import Customer
from followups.models import FollowUp, FollowUpStatus, Outcome

REPEAT_WINDOW = timedelta(days=90)
LOW_CSAT = 2


@dataclass
class CustomerHistory:
    customer: Customer
    cases: list[Case]
    hidden_cases: int
    followups: list[FollowUp]
    offers: list[Offer]
    last_handled_by: str | None
    risks: list[str] = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        return bool(self.risks)

    @property
    def average_csat(self) -> Decimal | None:
        scores = [f.csat for f in self.followups if f.csat]
        if not scores:
            return None
        return (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1"))


def customer_history(
    *,
    customer: Customer,
    user,
    now: datetime,
    current: Case | None = None,
    limit: int = 200,
) -> CustomerHistory:
    """Gather the customer's history as `user` may see it; `current` is the case open."""
    visible = cases_visible_to(user).filter(customer=customer)
    cases = list(
        visible.select_related("assignee", "category").order_by("-created_at", "-id")[
            :limit
        ]
    )
    total = Case.objects.filter(customer=customer).count()
    ids = [c.pk for c in cases]
    followups = list(
        FollowUp.objects.filter(case_id__in=ids, status=FollowUpStatus.DONE)
        .select_related("case")
        .order_by("-completed_at")
    )
    offers = list(
        Offer.objects.filter(case_id__in=ids)
        .select_related("case")
        .order_by("-created_at")
    )
    earlier = [c for c in cases if current is None or c.pk != current.pk]
    handler = next((c.assignee for c in earlier if c.assignee_id), None)
    history = CustomerHistory(
        customer=customer,
        cases=cases,
        hidden_cases=max(total - len(cases), 0),
        followups=followups,
        offers=offers,
        last_handled_by=handler.get_username() if handler else None,
    )
    history.risks = _risks(history, now=now, current=current)
    return history


def _risks(
    history: CustomerHistory, *, now: datetime, current: Case | None
) -> list[str]:
    risks = []
    recent = [c for c in history.cases if c.created_at >= now - REPEAT_WINDOW]
    if len(recent) >= 2:
        risks.append(
            ngettext(
                "%(count)d complaint in the last 90 days",
                "%(count)d complaints in the last 90 days",
                len(recent),
            )
            % {"count": len(recent)}
        )
    others_open = [
        c
        for c in history.cases
        if c.stage in OPEN_STAGES and (current is None or c.pk != current.pk)
    ]
    unhappy_closes = [
        c for c in history.cases if c.close_reason == CloseReason.UNSATISFIED
    ]
    if others_open:
        risks.append(
            ngettext(
                "%(count)d other case(s) still open",
                "%(count)d other case(s) still open",
                len(others_open),
            )
            % {"count": len(others_open)}
        )
    if unhappy_closes:
        risks.append(
            ngettext(
                "%(count)d case(s) closed with the customer unhappy",
                "%(count)d case(s) closed with the customer unhappy",
                len(unhappy_closes),
            )
            % {"count": len(unhappy_closes)}
        )
    low = [
        f
        for f in history.followups
        if (f.csat and f.csat <= LOW_CSAT) or f.outcome == Outcome.UNSATISFIED
    ]
    if low:
        risks.append("low satisfaction at a follow-up")
    return risks
