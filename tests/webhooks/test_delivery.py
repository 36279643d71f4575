"""Webhook delivery (CONTRACT §14): signed, retried, delivered once, never stuck.

Each test runs a real HTTP receiver on 127.0.0.1 and verifies what arrives
with the `standardwebhooks` package, as an integrator would.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from complaints.actors import Actor
from complaints.lifecycle import transition
from complaints.services import case_assign, message_post
from notifications.models import Notification
from tests.webhooks.conftest import only_delivery
from webhooks.delivery import BACKOFF, delivery_attempt
from webhooks.fanout import deliveries_fan_out
from webhooks.models import DeliveryStatus, SubscriptionStatus, WebhookDelivery
from webhooks.services import deliveries_send_again, subscription_rotate_secret
from webhooks.tasks import deliveries_queue_due

pytestmark = pytest.mark.django_db


def attempt(delivery, **kwargs) -> str:
    delivery.refresh_from_db()
    return delivery_attempt(delivery_id=delivery.pk, **kwargs)


def test_an_event_arrives_signed_and_verifies(
    make_client, subscribe, receivers, file_case, queued
):
    receiver = receivers()
    client = make_client()
    subscription, secret = subscribe(client, receiver.url)

    case = file_case(client, subject="Broken vase")
    delivery = only_delivery(subscription)
    assert queued == [delivery.pk]  # one task for this delivery

    assert attempt(delivery) == "delivered"
    [got] = receiver.received
    payload = Webhook(secret).verify(got.body, got.headers)
    assert payload["type"] == "case.created"
    assert payload["data"]["reference"] == case.reference
    assert payload["data"]["subject"] == "Broken vase"
    assert set(payload) == {"type", "timestamp", "data"}
    assert got.headers["webhook-id"] == f"evt_{case.events.get().pk}"
    assert got.headers["webhook-signature"].startswith("v1,")
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43 + "=").verify(got.body, got.headers)


def test_a_receiver_failing_three_times_gets_four_attempts_and_one_delivery(
    make_client, subscribe, receivers, file_case, queued
):
    receiver = receivers(script=[(500, 0), (500, 0), (503, 0)])
    subscription, _ = subscribe(make_client(), receiver.url)
    file_case(subscription.client)
    delivery = only_delivery(subscription)

    outcomes = []
    for _ in range(4):
        delivery.refresh_from_db()
        outcomes.append(attempt(delivery, now=delivery.next_attempt_at))
    assert outcomes == ["retry", "retry", "retry", "delivered"]

    delivery.refresh_from_db()
    log = list(delivery.attempt_log.order_by("number"))
    assert [(a.number, a.status_code, a.succeeded) for a in log] == [
        (1, 500, False),
        (2, 500, False),
        (3, 503, False),
        (4, 200, True),
    ]
    assert WebhookDelivery.objects.filter(subscription=subscription).count() == 1
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    # backoff with jitter: 5 s, then 5 min, then 30 min (each up to 20% later)
    gaps = [b.created_at - a.created_at for a, b in zip(log, log[1:], strict=False)]
    for gap, base in zip(gaps, BACKOFF, strict=False):
        assert base <= gap <= base * 1.2 + timedelta(seconds=5)
    assert delivery.status == DeliveryStatus.DELIVERED
    subscription.refresh_from_db()
    assert subscription.failing_since is None  # the run of failures is over


def test_a_successful_delivery_costs_two_statements(
    make_client, subscribe, receivers, file_case, queued
):
    """The claim and the record are one statement each (no transaction, no
    ORM compiling: most of a delivery's own time went there)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    receiver = receivers()
    subscription, _ = subscribe(make_client(), receiver.url)
    file_case(subscription.client)
    delivery = only_delivery(subscription)
    delivery.refresh_from_db()
    with CaptureQueriesContext(connection) as statements:
        assert delivery_attempt(delivery_id=delivery.pk) == "delivered"
    assert len(statements) == 2, [q["sql"][:60] for q in statements]
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    [logged] = delivery.attempt_log.all()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        DeliveryStatus.DELIVERED,
        1,
        None,
    )
    assert delivery.delivered_at == logged.created_at
    assert (logged.number, logged.status_code, logged.succeeded) == (1, 200, True)


def test_a_delivered_event_is_never_sent_again(
    make_client, subscribe, receivers, file_case, queued
):
    receiver = receivers()
    subscription, _ = subscribe(make_client(), receiver.url)
    case = file_case(subscription.client)
    delivery = only_delivery(subscription)
    assert attempt(delivery) == "delivered"

    later = timezone.now() + timedelta(days=2)
    assert attempt(delivery, now=later) == "skipped"
    assert deliveries_queue_due(now=later) == 0
    deliveries_fan_out(list(case.events.all()))  # the event published again
    assert deliveries_send_again(ids=[delivery.pk], by=Actor.system("tests")) == 0
    assert attempt(delivery, now=later) == "skipped"

    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.filter(subscription=subscription).count() == 1


def test_a_receiver_slower_than_the_timeout_is_a_failed_attempt(
    make_client, subscribe, receivers, file_case, queued, settings
):
    settings.WEBHOOK_TIMEOUT = 1
    receiver = receivers(default=(200, 2.5))
    subscription, _ = subscribe(make_client(), receiver.url)
    file_case(subscription.client)
    delivery = only_delivery(subscription)

    assert attempt(delivery) == "retry"
    [logged] = delivery.attempt_log.all()
    assert logged.status_code is None
    assert logged.error == "no answer within 1 s"
    assert logged.duration_ms < 2000
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at > timezone.now()


def test_retries_end_after_the_schedule_of_more_than_a_day(
    make_client, subscribe, receivers, file_case, queued, settings
):
    settings.WEBHOOK_PAUSE_AFTER_HOURS = 1000  # only the schedule is under test
    receiver = receivers(default=(500, 0))
    subscription, _ = subscribe(make_client(), receiver.url)
    file_case(subscription.client)
    delivery = only_delivery(subscription)
    first = delivery.next_attempt_at

    results = []
    for _ in range(8):
        delivery.refresh_from_db()
        results.append(attempt(delivery, now=delivery.next_attempt_at))

    delivery.refresh_from_db()
    assert results == ["retry"] * 7 + ["failed"]
    assert delivery.status == DeliveryStatus.FAILED
    last = delivery.attempt_log.order_by("-number").first()
    assert last.created_at - first >= timedelta(hours=24)

    receiver.default = (200, 0)
    assert deliveries_send_again(ids=[delivery.pk], by=Actor.system("tests")) == 1
    assert attempt(delivery, now=timezone.now() + timedelta(days=3)) == "delivered"


def test_internal_notes_are_not_sent_but_customer_messages_are(
    make_client,
    subscribe,
    receivers,
    file_case,
    queued,
    agent,
    django_capture_on_commit_callbacks,
):
    receiver = receivers()
    subscription, secret = subscribe(
        make_client(), receiver.url, events=["message.created"]
    )
    case = file_case(subscription.client)
    with django_capture_on_commit_callbacks(execute=True):
        message_post(case=case, body="secret note", visibility="internal", by=agent)
        message_post(case=case, body="We are on it.", visibility="customer", by=agent)

    delivery = only_delivery(subscription)
    assert attempt(delivery) == "delivered"
    payload = Webhook(secret).verify(
        receiver.received[0].body, receiver.received[0].headers
    )
    assert payload["type"] == "message.created"
    assert payload["data"]["message"]["body"] == "We are on it."
    assert "secret note" not in receiver.received[0].body


def test_stage_changes_and_offers_map_to_their_types(
    make_client,
    subscribe,
    receivers,
    file_case,
    queued,
    agent,
    django_capture_on_commit_callbacks,
):
    receiver = receivers()
    subscription, _ = subscribe(
        make_client(),
        receiver.url,
        events=["case.stage_changed", "case.escalated", "offer.created"],
    )
    case = file_case(subscription.client)
    with django_capture_on_commit_callbacks(execute=True):
        case = case_assign(case=case, assignee=agent, by=agent)
        transition(case, "listening", by=agent)
    delivery = only_delivery(subscription)
    body = json.loads(delivery.payload)
    assert delivery.event_type == "case.stage_changed"
    assert (body["data"]["from"], body["data"]["to"]) == ("new", "listening")


def test_a_subscription_gets_only_the_cases_its_client_may_see(
    make_client, subscribe, receivers, file_case, queued, lead, other_team
):
    receiver = receivers()
    shop, other_shop = make_client("shop"), make_client("other shop")
    leads_key = make_client("lead's script", user=lead)
    mine, _ = subscribe(shop, receiver.url)
    theirs, _ = subscribe(other_shop, receiver.url)
    leads, _ = subscribe(leads_key, receiver.url)

    file_case(shop)  # the lead's team
    file_case(other_shop, team=other_team)

    assert mine.deliveries.count() == 1
    assert theirs.deliveries.count() == 1
    assert mine.deliveries.get().event_id != theirs.deliveries.get().event_id
    assert leads.deliveries.count() == 1  # only the case of the lead's team


def test_secret_rotation_signs_with_both_secrets_for_a_day(
    make_client, subscribe, receivers, file_case, queued
):
    receiver = receivers()
    subscription, old = subscribe(make_client(), receiver.url)
    new = subscription_rotate_secret(
        subscription=subscription, by=Actor.system("tests")
    )
    assert new != old and new.startswith("whsec_")

    file_case(subscription.client)
    delivery = only_delivery(subscription)
    assert attempt(delivery) == "delivered"
    got = receiver.received[0]
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    assert Webhook(old).verify(got.body, got.headers)
    assert Webhook(new).verify(got.body, got.headers)

    file_case(subscription.client)
    second = subscription.deliveries.exclude(pk=delivery.pk).get()
    assert attempt(second, now=timezone.now() + timedelta(hours=25)) == "delivered"
    got = receiver.received[1]
    assert len(got.headers["webhook-signature"].split(" ")) == 1
    assert Webhook(new).verify(got.body, got.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(got.body, got.headers)


def test_a_failing_subscription_sends_one_probe_at_a_time(
    make_client, subscribe, receivers, file_case, queued
):
    receiver = receivers(default=(500, 0))
    subscription, _ = subscribe(make_client(), receiver.url)
    file_case(subscription.client)
    assert attempt(only_delivery(subscription)) == "retry"  # failing from now on

    for _ in range(3):
        file_case(subscription.client)
    waiting = list(subscription.deliveries.filter(attempts=0))
    outcomes = [attempt(d) for d in waiting]
    assert sorted(outcomes) == ["retry", "skipped", "skipped"]
    assert len(receiver.received) == 2  # not one timeout per new event


def test_a_subscription_failing_for_hours_is_paused_and_its_owner_told(
    make_client,
    subscribe,
    receivers,
    file_case,
    queued,
    lead,
    django_capture_on_commit_callbacks,
):
    receiver = receivers(default=(500, 0))
    subscription, _ = subscribe(make_client(user=lead), receiver.url)
    file_case(subscription.client)
    delivery = only_delivery(subscription)
    start = timezone.now()
    assert attempt(delivery, now=start) == "retry"
    assert attempt(delivery, now=start + timedelta(hours=2)) == "retry"
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE

    with django_capture_on_commit_callbacks(execute=True):
        attempt(delivery, now=start + timedelta(hours=13))
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.PAUSED
    note = Notification.objects.get(recipient=lead)
    assert subscription.url in note.title
    # paused: nothing goes out, whatever is due
    assert attempt(delivery, now=start + timedelta(days=3)) == "skipped"
    assert deliveries_queue_due(now=start + timedelta(days=3)) == 0


def test_the_beat_queues_each_due_delivery_once(
    make_client, subscribe, receivers, file_case, queued
):
    receiver = receivers()
    subscription, _ = subscribe(make_client(), receiver.url)
    file_case(subscription.client)
    queued.clear()
    later = timezone.now() + timedelta(minutes=6)  # past the first queuing's grace

    assert deliveries_queue_due(now=later) == 1
    assert deliveries_queue_due(now=later) == 0  # queued already
    assert queued == [only_delivery(subscription).pk]


def test_a_revoked_clients_events_are_neither_recorded_nor_sent(
    make_client, subscribe, receivers, file_case, queued
):
    from api.services import api_client_revoke

    receiver = receivers()
    subscription, _ = subscribe(make_client(), receiver.url)
    file_case(subscription.client)
    api_client_revoke(client=subscription.client, by=Actor.system("tests"))
    file_case(subscription.client)

    delivery = only_delivery(subscription)  # only the event before revoking
    assert attempt(delivery) == "skipped"
    assert receiver.received == []


def test_the_beat_runs_the_due_deliveries_and_tasks_ack_late():
    from config.celery import app
    from webhooks.tasks import deliver_webhook

    entry = app.conf.beat_schedule["deliver-due-webhooks"]
    assert entry["task"] == "webhooks.tasks.deliver_due_webhooks"
    assert deliver_webhook.acks_late
