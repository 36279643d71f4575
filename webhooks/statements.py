"""The two statements of a usual delivery: its claim and the record of its success.

Most deliveries are claimed and delivered at the first try. Each of those
costs one statement to claim and one to record, instead of the ORM's joined
`SELECT … FOR UPDATE`, an `UPDATE` and an `INSERT` in two transactions,
whose compiling was most of a delivery's own time. `webhooks.delivery`
takes the general path for everything else (a failing subscription's
probe, a failed attempt, a row that is not claimable).

Every name comes from the models, every value is a parameter; each
statement is built once per process.
"""

import functools
from datetime import datetime

from django.db import connection

from .models import (
    DeliveryStatus,
    SubscriptionStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)

# What a delivery attempt reads of its delivery and subscription.
CLAIMED = (
    *("id", "subscription_id", "event_id", "event_type", "payload", "status"),
    *("attempts", "backoff_from", "next_attempt_at", "queued_until"),
)
CLAIMED_SUBSCRIPTION = (
    *("id", "client_id", "url", "secret", "previous_secret"),
    *("previous_secret_expires_at", "status", "failing_since", "next_probe_at"),
)


def claim_usual(
    delivery_id: int, *, now: datetime, lease_until: datetime
) -> WebhookDelivery | None:
    """Lease a pending, due delivery of an active subscription that is not
    failing (or a delivery tried before), its client not revoked, until
    `lease_until`; return it with its subscription, or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            _claim_sql(),
            [
                delivery_id,
                DeliveryStatus.PENDING,
                now,
                SubscriptionStatus.ACTIVE,
                lease_until,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(CLAIMED)
    delivery = WebhookDelivery.from_db(connection.alias, CLAIMED, row[:split])
    delivery.subscription = WebhookSubscription.from_db(
        connection.alias, CLAIMED_SUBSCRIPTION, row[split:]
    )
    return delivery


def delivered_record(
    delivery_id: int, *, status_code: int | None, body: str, duration_ms: int, now
) -> bool:
    """Log a successful attempt under the next number, mark the delivery
    delivered (once: a delivery sent again keeps its first delivery time) and
    never due again, and end its subscription's run of failures. False if
    the delivery was deleted meanwhile."""
    with connection.cursor() as cursor:
        cursor.execute(
            _delivered_sql(),
            {
                "id": delivery_id,
                "pending": DeliveryStatus.PENDING,
                "delivered": DeliveryStatus.DELIVERED,
                "now": now,
                "status_code": status_code,
                "body": body,
                "duration_ms": duration_ms,
            },
        )
        return cursor.fetchone() is not None


def _name(model, attname: str | None = None) -> str:
    """The quoted table of `model`, or the quoted column of its `attname`."""
    meta = model._meta
    name = meta.db_table if attname is None else meta.get_field(attname).column
    return connection.ops.quote_name(name)


@functools.cache
def _claim_sql() -> str:
    d, s = WebhookDelivery, WebhookSubscription
    client = s._meta.get_field("client").related_model
    returned = [f"d.{_name(d, a)}" for a in CLAIMED] + [
        f"s.{_name(s, a)}" for a in CLAIMED_SUBSCRIPTION
    ]
    return (
        f"WITH c AS (SELECT d.id FROM {_name(d)} d "  # noqa: S608
        f"JOIN {_name(s)} s ON s.id = d.{_name(d, 'subscription_id')} "
        f"JOIN {_name(client)} a ON a.{_name(client, client._meta.pk.name)} "
        f"= s.{_name(s, 'client_id')} "
        f"WHERE d.id = %s AND d.{_name(d, 'status')} = %s "
        f"AND d.{_name(d, 'next_attempt_at')} <= %s "
        f"AND s.{_name(s, 'status')} = %s AND NOT a.{_name(client, 'revoked')} "
        f"AND (s.{_name(s, 'failing_since')} IS NULL "
        f"OR d.{_name(d, 'attempts')} > 0) "
        f"FOR UPDATE OF d SKIP LOCKED) "
        f"UPDATE {_name(d)} d SET {_name(d, 'next_attempt_at')} = %s "
        f"FROM c, {_name(s)} s "
        f"WHERE d.id = c.id AND s.id = d.{_name(d, 'subscription_id')} "
        f"RETURNING {', '.join(returned)}"
    )


@functools.cache
def _delivered_sql() -> str:
    d, a, s = WebhookDelivery, WebhookAttempt, WebhookSubscription
    status, attempts = _name(d, "status"), _name(d, "attempts")
    logged = ", ".join(
        _name(a, f)
        for f in (
            *("delivery_id", "number", "status_code", "error", "response_body"),
            *("duration_ms", "succeeded", "created_at"),
        )
    )
    return (
        f"WITH u AS (UPDATE {_name(d)} SET {attempts} = {attempts} + 1, "  # noqa: S608
        f"{status} = CASE WHEN {status} = %(pending)s THEN %(delivered)s "
        f"ELSE {status} END, "
        f"{_name(d, 'delivered_at')} = CASE WHEN {status} = %(pending)s "
        f"THEN %(now)s ELSE {_name(d, 'delivered_at')} END, "
        f"{_name(d, 'next_attempt_at')} = NULL, {_name(d, 'queued_until')} = NULL, "
        f"{_name(d, 'last_error')} = '' "
        f"WHERE id = %(id)s RETURNING id, {attempts}, "
        f"{_name(d, 'subscription_id')} AS subscription_id), "
        f"ended AS (UPDATE {_name(s)} SET {_name(s, 'failing_since')} = NULL, "
        f"{_name(s, 'next_probe_at')} = NULL "
        f"WHERE id = (SELECT subscription_id FROM u) "
        f"AND {_name(s, 'failing_since')} IS NOT NULL) "
        f"INSERT INTO {_name(a)} ({logged}) "
        f"SELECT id, {attempts}, %(status_code)s, '', %(body)s, %(duration_ms)s, "
        f"true, %(now)s FROM u RETURNING id"
    )
