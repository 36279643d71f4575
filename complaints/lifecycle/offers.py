"""Offer moves: the only code that creates an offer or changes `Offer.status`.

pending_approval → proposed → accepted | declined | countered | withdrawn;
accepted → fulfilled; pending_approval → rejected (by an approver).

Maker–checker: with `OFFER_SELF_APPROVAL` off (the default) an above-limit
offer always starts `pending_approval` and its maker never approves it; another
lead of the case's team or a manager does. With it on, an approver's own
above-limit offer is approved as it is made.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from .. import hooks
from ..actors import Actor, By, as_actor
from ..bounds import fields_check, text_check
from ..exceptions import OfferRefused
from ..hooks import Hook
from ..models import (
    Case,
    EventKind,
    Offer,
    OfferStatus,
    Stage,
)
from ..timeline import record_event
from ..versions import case_lock, case_version_bump
from .approvals import may_approve, self_approval
from .terms import above_limit, offer_terms

OFFER_STAGES = (Stage.ACKNOWLEDGED, Stage.RESOLVING)
DECIDED_WITH_NOTE = (OfferStatus.REJECTED, OfferStatus.DECLINED, OfferStatus.WITHDRAWN)
# What a refused move would have done to the offer, as its refusal says it.
MOVE_WORDS = {
    EventKind.OFFER_APPROVED: gettext_lazy("approved"),
    EventKind.OFFER_REJECTED: gettext_lazy("rejected"),
    EventKind.OFFER_ACCEPTED: gettext_lazy("accepted"),
    EventKind.OFFER_DECLINED: gettext_lazy("declined"),
    EventKind.OFFER_COUNTERED: gettext_lazy("countered"),
    EventKind.OFFER_WITHDRAWN: gettext_lazy("withdrawn"),
    EventKind.OFFER_FULFILLED: gettext_lazy("fulfilled"),
}


def _status_word(status: str) -> str:
    """The offer status as a refusal names it (its label)."""
    return str(OfferStatus(status).label)


def _either(statuses: list[str]) -> str:
    """Statuses as alternatives inside the refusal's quotation marks."""
    word = gettext("or")
    return f"” {word} “".join(_status_word(s) for s in statuses)


def offer_make(
    *,
    case: Case,
    kind: str,
    amount: Decimal | str | None = None,
    currency: str = "",
    description: str = "",
    extra_mile: bool = False,
    by: By,
) -> Offer:
    """Make an offer on an acknowledged or resolving case.

    Above the policy limit for its kind and currency it waits for approval;
    only with OFFER_SELF_APPROVAL on is a lead's or manager's own offer approved
    at once. Raises OfferRefused (the kind, its amount and currency, see
    `offer_terms`), InvalidInput for an unstorable description.
    """
    actor = as_actor(by)
    amount, currency = offer_terms(kind, amount, currency)
    fields_check(Offer, {"description": description})
    with transaction.atomic():
        case = case_lock(case)
        if case.stage not in OFFER_STAGES:
            raise OfferRefused(
                gettext(
                    "Offers are made once the customer has been heard and "
                    "apologised to; %(reference)s is “%(stage)s”."
                )
                % {
                    "reference": case.reference,
                    "stage": Stage(case.stage).label,
                },
                ["stage acknowledged or resolving"],
            )
        above = above_limit(kind, amount, currency)
        self_approved = above and self_approval() and _may_approve(actor, case)
        approver = actor.user if self_approved else None
        status = (
            OfferStatus.PENDING_APPROVAL
            if above and not approver
            else OfferStatus.PROPOSED
        )
        offer = Offer.objects.create(
            case=case,
            kind=kind,
            amount=amount,
            currency=currency,
            description=description.strip(),
            extra_mile=extra_mile,
            status=status,
            needed_approval=above,
            made_by=actor.user,
            approved_by=approver,
        )
        _touch(case)
        record_event(
            case,
            EventKind.OFFER_MADE,
            by=actor,
            after=status,
            offer_id=offer.pk,
            **_summary(offer),
        )
        if status == OfferStatus.PROPOSED:
            hooks.run(Hook.OFFER_PROPOSED, offer=offer)
    return offer


def offer_approve(*, offer: Offer, by: By) -> Offer:
    """Approve an above-limit offer (team lead or manager, not its maker).

    Raises OfferRefused for a non-approver, and for the offer's own maker
    unless OFFER_SELF_APPROVAL is on.
    """
    actor = as_actor(by)
    if not _may_approve(actor, offer.case):
        raise OfferRefused(
            gettext(
                "Only a team lead or a manager may approve (a lead of the case's team)."
            ),
            ["approver"],
        )
    if _is_maker(actor, offer) and not self_approval():
        raise OfferRefused(
            gettext(
                "You made this offer, so someone else must approve it: another team "
                "lead of the case's team or a manager."
            ),
            ["approver other than the maker"],
        )
    return _move(
        offer,
        {OfferStatus.PENDING_APPROVAL},
        OfferStatus.PROPOSED,
        actor,
        EventKind.OFFER_APPROVED,
        approved_by=actor.user,
    )


def offer_reject(*, offer: Offer, by: By, reason: str = "") -> Offer:
    """Reject an above-limit offer (team lead or manager); raise OfferRefused."""
    text_check(reason, field="reason")
    actor = as_actor(by)
    if not _may_approve(actor, offer.case):
        raise OfferRefused(
            gettext(
                "Only a team lead or a manager may reject (a lead of the case's team)."
            ),
            ["approver"],
        )
    return _move(
        offer,
        {OfferStatus.PENDING_APPROVAL},
        OfferStatus.REJECTED,
        actor,
        EventKind.OFFER_REJECTED,
        note=reason,
    )


def offer_accept(*, offer: Offer, by: By) -> Offer:
    """Record that the customer accepted; raise OfferRefused unless proposed."""
    return _move(
        offer,
        {OfferStatus.PROPOSED},
        OfferStatus.ACCEPTED,
        as_actor(by),
        EventKind.OFFER_ACCEPTED,
    )


def offer_decline(*, offer: Offer, by: By, reason: str = "") -> Offer:
    """Record that the customer declined; raise OfferRefused unless proposed."""
    text_check(reason, field="reason")
    return _move(
        offer,
        {OfferStatus.PROPOSED},
        OfferStatus.DECLINED,
        as_actor(by),
        EventKind.OFFER_DECLINED,
        note=reason,
    )


def offer_counter(*, offer: Offer, by: By, counter_request: str) -> Offer:
    """Record what the customer asked for instead; raise OfferRefused."""
    if not (counter_request or "").strip():
        raise OfferRefused(
            gettext("Say what the customer asked for instead."), ["counter_request"]
        )
    fields_check(Offer, {"counter_request": counter_request})
    return _move(
        offer,
        {OfferStatus.PROPOSED},
        OfferStatus.COUNTERED,
        as_actor(by),
        EventKind.OFFER_COUNTERED,
        counter_request=counter_request.strip(),
    )


def offer_withdraw(*, offer: Offer, by: By, reason: str = "") -> Offer:
    """Withdraw an offer not yet accepted; raise OfferRefused."""
    text_check(reason, field="reason")
    allowed = {
        OfferStatus.PENDING_APPROVAL,
        OfferStatus.PROPOSED,
        OfferStatus.COUNTERED,
    }
    return _move(
        offer,
        allowed,
        OfferStatus.WITHDRAWN,
        as_actor(by),
        EventKind.OFFER_WITHDRAWN,
        note=reason,
    )


def offer_fulfil(*, offer: Offer, by: By, note: str = "") -> Offer:
    """Record that an accepted offer was carried out; raise OfferRefused."""
    text_check(note, field="note")
    return _move(
        offer,
        {OfferStatus.ACCEPTED},
        OfferStatus.FULFILLED,
        as_actor(by),
        EventKind.OFFER_FULFILLED,
        note=note,
    )


def offers_withdraw_open(case: Case, *, actor: Actor, note: str) -> list[int]:
    """Withdraw the case's unanswered offers; the caller holds the case lock.

    Used when the case closes: nobody can answer them any more. Returns the
    ids withdrawn, each with its own timeline event.
    """
    open_statuses = (
        OfferStatus.PENDING_APPROVAL,
        OfferStatus.PROPOSED,
        OfferStatus.COUNTERED,
    )
    now = timezone.now()
    withdrawn = []
    for offer in case.offers.select_for_update().filter(status__in=open_statuses):
        before = offer.status
        offer.status = OfferStatus.WITHDRAWN
        offer.decided_at = now
        offer.save(update_fields=["status", "decided_at", "updated_at"])
        record_event(
            case,
            EventKind.OFFER_WITHDRAWN,
            by=actor,
            before=before,
            after=offer.status,
            offer_id=offer.pk,
            note=note,
            **_summary(offer),
        )
        withdrawn.append(offer.pk)
    return withdrawn


def _move(
    offer: Offer,
    allowed: set[str],
    to: str,
    actor: Actor,
    event: EventKind,
    *,
    approved_by: Any = None,
    note: str = "",
    counter_request: str = "",
) -> Offer:
    with transaction.atomic():
        case = case_lock(offer.case_id)
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if offer.status not in allowed:
            raise OfferRefused(
                gettext(
                    "This offer is “%(status)s”; it can only be %(move)s when “%(allowed)s”."
                )
                % {
                    "status": _status_word(offer.status),
                    "move": MOVE_WORDS.get(event, event),
                    "allowed": _either(sorted(allowed)),
                },
                [f"offer status {' or '.join(sorted(allowed))}"],
            )
        if not case.is_open:
            raise OfferRefused(
                gettext("%(reference)s is closed.") % {"reference": case.reference},
                ["open case"],
            )
        before = offer.status
        offer.status = to
        now = timezone.now()
        if approved_by is not None:
            offer.approved_by = approved_by
        if counter_request:
            offer.counter_request = counter_request
        if note.strip() and to in DECIDED_WITH_NOTE:
            offer.decision_note = note.strip()
        if to == OfferStatus.FULFILLED:
            offer.fulfilled_at = now
        elif to != OfferStatus.PROPOSED:
            offer.decided_at = now
        offer.save()
        _touch(case)
        data: dict[str, Any] = {"offer_id": offer.pk, **_summary(offer)}
        if note.strip():
            data["note"] = note.strip()
        if counter_request:
            data["counter_request"] = counter_request
        record_event(case, event, by=actor, before=before, after=to, **data)
        if before == OfferStatus.PENDING_APPROVAL and to == OfferStatus.PROPOSED:
            hooks.run(Hook.OFFER_PROPOSED, offer=offer)
    return offer


def _may_approve(actor: Actor, case: Case) -> bool:
    """A manager, or a team lead of the case's team (any lead if it has none)."""
    return may_approve(actor.user, case)


def _is_maker(actor: Actor, offer: Offer) -> bool:
    return actor.user is not None and offer.made_by_id == actor.user.pk


def _touch(case: Case) -> None:
    case_version_bump(case, fields=[])


def _summary(offer: Offer) -> dict[str, Any]:
    return {
        "kind": offer.kind,
        "amount": str(offer.amount) if offer.amount is not None else None,
        "currency": offer.currency or None,
        "extra_mile": offer.extra_mile,
    }
