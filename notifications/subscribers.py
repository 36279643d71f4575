"""Notify the people an event needs: subscribers of the domain event stream.

`NotificationsConfig.ready` subscribes `notify_people` to the kinds below; it
runs after the change commits (`complaints.events`). Each event names who must
act on it, and only them; whoever caused the event is never told about it:

- an offer made above the limit → everyone who may approve it (the approval
  rule of `complaints.lifecycle.approvals`), not its maker;
- the customer wrote (on the status page or by email), or accepted /
  declined / countered an offer → the assignee (the customer writing on a
  closed case with nobody assigned → its team leads);
- an offer approved or rejected → its maker;
- a case assigned → the new assignee, unless they took it themself;
- a letter sent for approval (four eyes, `regimes.four_eyes`) → everyone who
  may approve on the case but its author; approved or refused → its author.

Follow-ups falling due are told by the due pass (`followups.due`). Every
email's outbox key starts with `event:<id>`, so a repeated publish of the same
event never mails twice.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints.lifecycle.approvals import approvers_of
from complaints.models import (
    Case,
    Event,
    EventKind,
    Message,
    MessageKind,
    Offer,
    OfferStatus,
)
from complaints.money import money_text
from teams.selectors import team_leads

from .models import NotificationKind
from .outbox import outbox_enqueue_on_commit
from .services import NotificationBatch

logger = logging.getLogger(__name__)

ANSWERS = {
    EventKind.OFFER_ACCEPTED: NotificationKind.OFFER_ACCEPTED,
    EventKind.OFFER_DECLINED: NotificationKind.OFFER_DECLINED,
    EventKind.OFFER_COUNTERED: NotificationKind.OFFER_COUNTERED,
}
DECISIONS = {
    EventKind.OFFER_APPROVED: NotificationKind.OFFER_APPROVED,
    EventKind.OFFER_REJECTED: NotificationKind.OFFER_REJECTED,
}
LETTER_DECISIONS = {
    EventKind.LETTER_APPROVED: NotificationKind.LETTER_APPROVED,
    EventKind.LETTER_APPROVAL_REFUSED: NotificationKind.LETTER_REFUSED,
}
KINDS = (
    EventKind.LETTER_APPROVAL_REQUESTED,
    *LETTER_DECISIONS,
    EventKind.OFFER_MADE,
    EventKind.MESSAGE_ADDED,
    EventKind.ASSIGNED,
    *ANSWERS,
    *DECISIONS,
)


@dataclass
class Notice:
    """Who hears about one event, and what they read."""

    kind: str
    recipients: list = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)


def notify_people(events: Sequence[Event]) -> int:
    """Notify whoever each committed event needs; return how many notices were made."""
    made = 0
    for event in events:
        try:
            made += _notify(event)
        except IntegrityError:  # the same event published again: told already
            logger.info("event %s was notified already", event.pk)
    return made


def _notify(event: Event) -> int:
    case = Case.objects.select_related("assignee", "team", "customer").get(
        pk=event.case_id
    )
    notice = notice_for(event, case)
    if notice is None:
        return 0
    recipients = [
        user
        for user in notice.recipients
        if user is not None and user.pk != event.actor_id
    ]
    if not recipients:
        return 0
    with transaction.atomic():
        batch = NotificationBatch()
        batch.add(
            recipients=recipients,
            kind=notice.kind,
            key=f"event:{event.pk}",
            context={"actor": event.actor_label, **notice.context},
            case=case,
            now=timezone.now(),
        )
        outbox_enqueue_on_commit(batch.flush())
    return len(recipients)


def notice_for(event: Event, case: Case) -> Notice | None:
    """Who must hear of `event`, or None when nobody need."""
    data = event.data or {}
    if event.kind == EventKind.MESSAGE_ADDED:
        if data.get("message_kind") != MessageKind.FROM_CUSTOMER:
            return None
        return customer_replied(case, data.get("message_id"))
    if event.kind == EventKind.ASSIGNED:
        if not event.after:
            return None
        user = get_user_model().objects.filter(username=event.after).first()
        return Notice(NotificationKind.ASSIGNED, [user])
    if event.kind == EventKind.LETTER_APPROVAL_REQUESTED or event.kind in (
        LETTER_DECISIONS
    ):
        return letter_notice(event, case)
    offer = Offer.objects.select_related("made_by").filter(pk=data.get("offer_id"))
    offer = offer.first()
    if offer is None:
        return None
    context = {
        "offer_label": offer_label(offer),
        "note": data.get("note", ""),
        "counter_request": data.get("counter_request", ""),
    }
    if event.kind == EventKind.OFFER_MADE:
        if event.after != OfferStatus.PENDING_APPROVAL:
            return None
        people = approvers_of(case, maker=offer.made_by)
        return Notice(NotificationKind.APPROVAL_REQUESTED, people, context)
    if event.kind in ANSWERS:
        return Notice(ANSWERS[event.kind], [case.assignee], context)
    if event.kind in DECISIONS:
        return Notice(DECISIONS[event.kind], [offer.made_by], context)
    return None


def letter_notice(event: Event, case: Case) -> Notice:
    """Approvers hear of a letter to approve; its author of the decision."""
    data = event.data or {}
    context = {
        "letter_kind": str(data.get("kind", "")).replace("_", " "),
        "outcome": str(data.get("outcome") or "").replace("_", " "),
        "note": data.get("note", ""),
    }
    if event.kind == EventKind.LETTER_APPROVAL_REQUESTED:
        people = approvers_of(case, maker=event.actor)
        return Notice(NotificationKind.LETTER_APPROVAL, people, context)
    author = get_user_model().objects.filter(username=data.get("author")).first()
    return Notice(LETTER_DECISIONS[event.kind], [author], context)


def customer_replied(case: Case, message_id: Any) -> Notice:
    """The assignee hears the customer wrote; a closed case with none, its leads."""
    closed = not case.is_open
    people = [case.assignee] if case.assignee_id else []
    if closed and not people:
        people = list(team_leads(case.team))
    message = Message.objects.filter(pk=message_id, case=case).first()
    context = {
        "closed": closed,
        "excerpt": message.body[:1000] if message else "",
        "sender": case.customer.email or case.customer.name,
    }
    return Notice(NotificationKind.CUSTOMER_REPLIED, people, context)


def offer_label(offer: Offer) -> str:
    """`a refund of £150.00`, `a replacement`: how a notice names an offer."""
    kind = offer.get_kind_display().lower()
    label = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"
    if offer.amount is not None:
        label += f" of {money_text(offer.amount, offer.currency)}"
    return label
