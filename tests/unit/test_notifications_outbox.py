"""The outbox: delivered once, retried with backoff, dead-lettered, re-queued."""

# Fixtures are imported from engine_support, so pytest (not ruff) sees them used.
# ruff: noqa: F401, F811

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from notifications import outbox, services
from notifications.models import Notification, Outbox, OutboxStatus
from notifications.selectors import notifications_for, unread_count
from tests.unit.engine_support import fast_hasher, staff  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
FAILING = "tests.unit.engine_support.FailingBackend"


@pytest.fixture
def queued(staff, make_case):
    case = make_case("listening")
    ids = services.notifications_create(
        recipients=[staff["agent"], staff["lead"], staff["agent"]],
        kind="sla_warning",
        key="test:1",
        context={"kind_label": "First response", "due_local": "soon"},
        case=case,
        now=timezone.now(),
    )
    return case, ids


def test_each_recipient_gets_one_notification_and_one_email(queued, staff):
    case, ids = queued
    assert len(ids) == 2
    assert Notification.objects.filter(case=case).count() == 2
    row = Outbox.objects.get(pk=ids[0])
    assert case.reference in row.subject
    assert f"/cases/{case.reference}/" in row.body


def test_delivery_sends_once_and_marks_sent(queued):
    _, ids = queued
    assert services.outbox_deliver_many(ids=ids + ids) == {
        "sent": 2,
        "failed": 0,
        "dead": 0,
        "skipped": 2,
    }
    assert len(mail.outbox) == 2
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<outbox-")
    assert set(Outbox.objects.values_list("status", flat=True)) == {"sent"}


def test_a_failure_backs_off_and_then_dead_letters(queued, settings):
    _, ids = queued
    settings.EMAIL_BACKEND = FAILING
    assert services.outbox_deliver(outbox_id=ids[0]) == "failed"
    row = Outbox.objects.get(pk=ids[0])
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert "SMTPServerDisconnected" in row.last_error
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert row.enqueued_at is None
    # Not yet due again: the sweep leaves it alone.
    assert ids[0] not in services.outbox_requeue_stale()
    for _ in range(services.MAX_ATTEMPTS - 1):
        services.outbox_deliver(outbox_id=ids[0])
    row.refresh_from_db()
    assert row.status == OutboxStatus.DEAD
    assert row.attempts == services.MAX_ATTEMPTS
    assert services.outbox_deliver(outbox_id=ids[0]) == "skipped"
    assert services.outbox_retry_dead(ids=[ids[0]]) == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.outbox_deliver(outbox_id=ids[0]) == "sent"


def test_backoff_grows(queued, settings):
    _, ids = queued
    settings.EMAIL_BACKEND = FAILING
    waits = []
    for _ in range(3):
        Outbox.objects.filter(pk=ids[0]).update(next_attempt_at=timezone.now())
        before = timezone.now()
        services.outbox_deliver(outbox_id=ids[0])
        waits.append(Outbox.objects.get(pk=ids[0]).next_attempt_at - before)
    assert waits[0] < waits[1] < waits[2]


def test_rows_left_pending_are_requeued_once(queued):
    _, ids = queued
    assert services.outbox_requeue_stale() == []  # just queued
    Outbox.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))
    assert sorted(services.outbox_requeue_stale()) == sorted(ids)
    assert services.outbox_requeue_stale() == []


def test_publishing_with_the_broker_down_logs_and_returns(queued, caplog):
    from kombu.exceptions import OperationalError

    _, ids = queued
    with mock.patch(
        "notifications.tasks.deliver_outbox.apply_async",
        side_effect=OperationalError("Error 111 connecting"),
    ):
        assert outbox.outbox_publish(ids) is False
    assert "broker unavailable" in caplog.text


def test_delivery_is_queued_only_after_commit(
    queued, django_capture_on_commit_callbacks
):
    _, ids = queued
    with mock.patch("notifications.outbox.outbox_publish") as publish:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            outbox.outbox_enqueue_on_commit(ids)
        publish.assert_not_called()
        callbacks[0]()
        publish.assert_called_once_with(ids)


def test_notifications_for_lists_only_the_users_own_newest_first(queued, staff):
    agent, lead = staff["agent"], staff["lead"]
    assert notifications_for(agent).count() == 1
    assert unread_count(agent) == 1
    mine = notifications_for(agent).get()
    assert services.notification_mark_read(notification=mine, user=lead) is False
    assert unread_count(agent) == 1
    assert services.notification_mark_read(notification=mine, user=agent) is True
    assert unread_count(agent) == 0
    assert notifications_for(agent, unread_only=True).count() == 0
    assert services.notifications_mark_all_read(user=lead) == 1


def test_customer_text_in_a_staff_email_is_not_html_escaped(staff, make_case):
    case = make_case("listening", subject="O'Brien & <Sons>")
    ids = services.notifications_create(
        recipients=[staff["agent"]],
        kind="sla_warning",
        key="test:2",
        context={"kind_label": "Resolution", "due_local": "soon"},
        case=case,
        now=timezone.now(),
    )
    row = Outbox.objects.get(pk=ids[0])
    assert "O'Brien & <Sons>" in row.subject


def test_dead_letters_are_listed_in_the_admin(queued, admin_client):
    _, ids = queued
    Outbox.objects.filter(pk=ids[0]).update(
        status=OutboxStatus.DEAD, last_error="SMTP down"
    )
    page = admin_client.get("/admin/notifications/outbox/?status__exact=dead")
    assert page.status_code == 200
    assert b"SMTP down" in page.content
    response = admin_client.post(
        "/admin/notifications/outbox/",
        {"action": "retry_dead", "_selected_action": [ids[0]]},
    )
    assert response.status_code == 302
    assert Outbox.objects.get(pk=ids[0]).status == OutboxStatus.PENDING
