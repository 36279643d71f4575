"""Legal holds: a manager keeps a case, or every case of a customer, from
anonymisation until the hold is lifted.

Each placing and lifting is written on the timeline of every case it covers
(`legal_hold_placed` / `legal_hold_lifted`, with the reason), in the same
transaction as the hold row.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from complaints.actors import By, as_actor
from complaints.bounds import text_check
from complaints.models import Case, EventKind
from complaints.timeline import record_events
from customers.models import Customer
from teams.selectors import is_manager

from .exceptions import RecordsRefused
from .models import LegalHold

REASON_MAX = 2000


def may_manage_records(user: Any) -> bool:
    """Whether `user` may place and lift holds and export a customer's data:
    managers only (never a service API client, which has no role)."""
    return is_manager(user)


def _manager(by: By):
    actor = as_actor(by)
    if actor.user is None or not may_manage_records(actor.user):
        raise RecordsRefused(
            gettext("Only a manager may place or lift a legal hold."), ["role"]
        )
    return actor


def _reason(reason: Any) -> str:
    text_check(reason, field="reason", max_length=REASON_MAX)
    reason = (reason or "").strip()
    if not reason:
        raise RecordsRefused(gettext("Give the reason for the hold."), ["reason"])
    return reason


def _cases_of(hold: LegalHold) -> list[Case]:
    if hold.case_id:
        return [hold.case]
    return list(Case.objects.filter(customer_id=hold.customer_id).order_by("pk"))


def legal_hold_place(
    *,
    reason: str,
    by: By,
    case: Case | None = None,
    customer: Customer | None = None,
) -> LegalHold:
    """Hold one case, or every case of one customer (exactly one of the two).

    Raises RecordsRefused when the actor is not a manager, the reason is
    missing, or the target already has an active hold; InvalidInput when the
    reason cannot be stored.
    """
    if (case is None) == (customer is None):
        raise ValueError("Hold exactly one case or one customer.")
    actor = _manager(by)
    reason = _reason(reason)
    with transaction.atomic():
        target = Customer.objects.select_for_update().get(
            pk=customer.pk if customer else case.customer_id
        )
        held = LegalHold.objects.filter(lifted_at__isnull=True)
        held = held.filter(case=case) if case else held.filter(customer=target)
        if held.exists():
            raise RecordsRefused(gettext("It is already on hold."), ["already_held"])
        hold = LegalHold.objects.create(
            case=case,
            customer=None if case else target,
            reason=reason,
            placed_by=actor.user,
            placed_by_label=actor.label,
            placed_at=timezone.now(),
        )
        scope = "case" if case else "customer"
        record_events(
            [
                (
                    c,
                    EventKind.LEGAL_HOLD_PLACED,
                    {"hold": hold.pk, "on": scope, "reason": reason},
                )
                for c in _cases_of(hold)
            ],
            by=actor,
        )
    return hold


def legal_hold_lift(*, hold: LegalHold, reason: str, by: By) -> LegalHold:
    """Lift an active hold; raise RecordsRefused when it is already lifted, the
    actor is not a manager or the reason is missing."""
    actor = _manager(by)
    reason = _reason(reason)
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.lifted_at is not None:
            raise RecordsRefused(gettext("That hold was already lifted."), ["lifted"])
        hold.lifted_at = timezone.now()
        hold.lifted_by_label = actor.label
        hold.lift_reason = reason
        hold.save(update_fields=["lifted_at", "lifted_by_label", "lift_reason"])
        record_events(
            [
                (c, EventKind.LEGAL_HOLD_LIFTED, {"hold": hold.pk, "reason": reason})
                for c in _cases_of(hold)
            ],
            by=actor,
        )
    return hold


def holds_of_customer(customer: Customer) -> list[LegalHold]:
    """The customer's holds and their cases' holds, newest first."""
    from django.db.models import Q

    return list(
        LegalHold.objects.filter(Q(customer=customer) | Q(case__customer=customer))
        .select_related("case")
        .order_by("-placed_at", "-id")
    )
