"""From the event stream to the outbox: which subscriptions get which events.

`deliveries_fan_out` is subscribed (in `WebhooksConfig.ready`) to the timeline
kinds that have a webhook type. After each commit it maps the events to their
types and payloads, finds the subscriptions that asked for each type and may
see the case, writes one `WebhookDelivery` per (subscription, event) — unique,
so a repeat writes nothing — and queues one delivery task per row.
"""

import json
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from api.authentication import ServiceClient
from complaints.models import Event, EventKind, Message, Visibility
from complaints.selectors import cases_visible_to
from config.memo import Memo

from .models import (
    DeliveryStatus,
    EventType,
    SubscriptionStatus,
    WebhookDelivery,
    WebhookSubscription,
)

logger = logging.getLogger(__name__)

TYPE_OF: dict[str, EventType] = {
    EventKind.CASE_FILED: EventType.CASE_CREATED,
    EventKind.STAGE_CHANGED: EventType.CASE_STAGE_CHANGED,
    EventKind.ESCALATED: EventType.CASE_ESCALATED,
    EventKind.MESSAGE_ADDED: EventType.MESSAGE_CREATED,
    EventKind.OFFER_MADE: EventType.OFFER_CREATED,
    EventKind.OFFER_APPROVED: EventType.OFFER_STATUS_CHANGED,
    EventKind.OFFER_REJECTED: EventType.OFFER_STATUS_CHANGED,
    EventKind.OFFER_ACCEPTED: EventType.OFFER_STATUS_CHANGED,
    EventKind.OFFER_DECLINED: EventType.OFFER_STATUS_CHANGED,
    EventKind.OFFER_COUNTERED: EventType.OFFER_STATUS_CHANGED,
    EventKind.OFFER_WITHDRAWN: EventType.OFFER_STATUS_CHANGED,
    EventKind.OFFER_FULFILLED: EventType.OFFER_STATUS_CHANGED,
    EventKind.FOLLOWUP_COMPLETED: EventType.FOLLOWUP_COMPLETED,
    EventKind.PROBLEM_LINKED: EventType.PROBLEM_OPENED,
}
KINDS = tuple(TYPE_OF)
STAGE_DETAILS = ("move", "close_reason", "duplicate_of")
QUEUED_GRACE = timedelta(minutes=5)
"""A queued delivery still pending this long is queued again by the beat."""


def event_id(event: Event) -> str:
    """The `webhook-id` of an event: the same for every attempt and subscription."""
    return f"evt_{event.pk}"


def webhook_type(event: Event) -> EventType | None:
    """The webhook type of a timeline event, or None (internal notes have none)."""
    kind = TYPE_OF.get(event.kind)
    visibility = (event.data or {}).get("visibility")
    if kind == EventType.MESSAGE_CREATED and visibility != Visibility.CUSTOMER:
        return None
    # Every linked case records the link; only the case that opened it says so.
    if kind == EventType.PROBLEM_OPENED and not (event.data or {}).get("opened"):
        return None
    return kind


def body_of(event: Event, kind: EventType, messages: dict[int, Message]) -> str:
    """The JSON body `{"type", "timestamp", "data"}` sent for `event`."""
    case, data = event.case, event.data or {}
    out: dict[str, Any] = {"reference": case.reference, "actor": event.actor_label}
    if kind == EventType.CASE_CREATED:
        out.update(
            {
                "stage": case.stage,
                "priority": case.priority,
                "category": data.get("category"),
                "channel": case.channel,
                "subject": case.subject,
            }
        )
    elif kind == EventType.CASE_STAGE_CHANGED:
        out.update({"from": event.before, "to": event.after})
        out.update({key: data[key] for key in STAGE_DETAILS if key in data})
    elif kind == EventType.CASE_ESCALATED:
        out.update({"from": event.before, "to": event.after})
        out["reason"] = data.get("reason", "")
    elif kind == EventType.MESSAGE_CREATED:
        message = messages.get(data.get("message_id"))
        out["message"] = {
            "id": data.get("message_id"),
            "kind": data.get("message_kind"),
            "body": message.body if message else None,
            "created_at": message.created_at if message else None,
        }
    elif kind in (EventType.OFFER_CREATED, EventType.OFFER_STATUS_CHANGED):
        out["offer"] = {
            "id": data.get("offer_id"),
            "kind": data.get("kind"),
            "amount": data.get("amount"),
            "currency": data.get("currency"),
            "status": event.after,
        }
        if kind == EventType.OFFER_STATUS_CHANGED:
            out.update({"from": event.before, "to": event.after})
            if data.get("counter_request"):
                out["counter_request"] = data["counter_request"]
    elif kind == EventType.FOLLOWUP_COMPLETED:
        out["followup"] = {
            "id": data.get("followup_id"),
            "outcome": data.get("outcome"),
            "csat": data.get("csat"),
        }
    elif kind == EventType.PROBLEM_OPENED:
        out["problem"] = {
            "id": data.get("problem_id"),
            "title": data.get("title"),
            "key": data.get("key"),
        }
    body = {"type": kind.value, "timestamp": event.created_at, "data": out}
    return json.dumps(body, cls=DjangoJSONEncoder, separators=(",", ":"))


# Every committed event asks who subscribes: the answer is kept per process
# and cleared in every worker when a subscription, API client or user is saved
# or deleted (`config.memo`; status moves between active and paused, made by
# queryset updates, do not change who is asked).
_subscriptions = Memo("webhook-subscriptions")


def _subscriptions_stored() -> list[WebhookSubscription]:
    return list(
        WebhookSubscription.objects.filter(
            client__revoked=False,
            status__in=(SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED),
        ).select_related("client", "client__user")
    )


def deliveries_fan_out(events: Sequence[Event]) -> list[int]:
    """Write the outbox rows for committed `events`; queue them; return new ids."""
    typed = [(e, t) for e in events if (t := webhook_type(e)) is not None]
    if not typed:
        return []
    subscriptions = _subscriptions.get("live", _subscriptions_stored)
    if not subscriptions:
        return []
    message_ids = [e.data.get("message_id") for e, t in typed if t == "message.created"]
    messages = Message.objects.in_bulk([i for i in message_ids if i])
    now = timezone.now()
    rows = []
    for subscription in subscriptions:
        wanted = [(e, t) for e, t in typed if t in subscription.events]
        visible = _visible_case_ids(subscription, {e.case_id for e, _ in wanted})
        for event, kind in wanted:
            if event.case_id in visible:
                rows.append(
                    WebhookDelivery(
                        subscription=subscription,
                        event_id=event_id(event),
                        event_type=kind,
                        payload=body_of(event, kind, messages),
                        next_attempt_at=now,
                        queued_until=now + QUEUED_GRACE,
                    )
                )
    if not rows:
        return []
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        WebhookDelivery.objects.filter(
            subscription__in=subscriptions,
            event_id__in={row.event_id for row in rows},
            status=DeliveryStatus.PENDING,
            attempts=0,
        ).values_list("pk", flat=True)
    )
    from .tasks import deliveries_enqueue

    deliveries_enqueue(ids)
    return ids


def _visible_case_ids(subscription: WebhookSubscription, case_ids: set) -> set:
    """The cases among `case_ids` the subscription's client may see."""
    if not case_ids:
        return set()
    client = subscription.client
    if client.user_id is None:
        cases = cases_visible_to(ServiceClient(client=client))
    elif client.user.is_active:
        cases = cases_visible_to(client.user)
    else:
        return set()
    return set(cases.filter(pk__in=case_ids).values_list("pk", flat=True))
