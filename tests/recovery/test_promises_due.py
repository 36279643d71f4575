"""Promises in the due pass: the owner is reminded before due, a broken one escalates."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Event, EventKind
from notifications.models import Notification, NotificationKind, Outbox
from scheduler.engine import due_pass
from service_recovery.models import Promise
from service_recovery.promises import promise_keep, promise_make
from tests.unit.test_engine_concurrency import run_in_threads

NOW = timezone.now().replace(microsecond=0)
DUE = NOW + timedelta(days=2)


def make(case, owner, due=DUE):
    return promise_make(
        case=case, text="We will send a new kettle", due_at=due, owner=owner, by=owner
    )


def told(kind: str) -> Counter:
    rows = Notification.objects.filter(kind=kind)
    return Counter(rows.values_list("recipient__username", flat=True))


@pytest.mark.django_db
def test_the_owner_is_reminded_once_before_due_then_leads_hear_once_when_broken(
    make_case, agent, lead, settings
):
    settings.PROMISE_REMIND_BEFORE_MINUTES = 120
    case = make_case("listening")
    promise = make(case, agent)

    due_pass(now=DUE - timedelta(hours=3), deliver="none")
    assert not told(NotificationKind.PROMISE_DUE)

    due_pass(now=DUE - timedelta(hours=2), deliver="none")
    due_pass(now=DUE - timedelta(hours=1), deliver="none")
    assert told(NotificationKind.PROMISE_DUE) == {agent.username: 1}
    assert not told(NotificationKind.PROMISE_BROKEN)

    due_pass(now=DUE, deliver="none")
    due_pass(now=DUE + timedelta(days=1), deliver="none")
    assert told(NotificationKind.PROMISE_BROKEN) == {lead.username: 1}
    kinds = Counter(case.events.values_list("kind", flat=True))
    assert kinds[EventKind.PROMISE_REMINDED] == 1
    assert kinds[EventKind.PROMISE_BROKEN] == 1
    promise.refresh_from_db()
    assert promise.is_broken and promise.next_check_at is None


@pytest.mark.django_db
def test_a_kept_promise_is_neither_reminded_nor_escalated(make_case, agent, lead):
    case = make_case("listening")
    promise = make(case, agent)
    promise_keep(promise=promise, by=agent)

    due_pass(now=DUE + timedelta(days=1), deliver="none")

    assert not told(NotificationKind.PROMISE_DUE)
    assert not told(NotificationKind.PROMISE_BROKEN)
    assert case.events.filter(kind=EventKind.PROMISE_KEPT).count() == 1


@pytest.mark.django_db
def test_a_pass_that_runs_late_escalates_without_a_stale_reminder(
    make_case, agent, lead
):
    case = make_case("listening")
    make(case, agent)
    due_pass(now=DUE + timedelta(hours=5), deliver="none")
    assert not told(NotificationKind.PROMISE_DUE)
    assert told(NotificationKind.PROMISE_BROKEN) == {lead.username: 1}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_passes_escalate_each_broken_promise_once(
    make_case, agent, lead
):
    cases = [make_case("listening") for _ in range(6)]
    promises = [make(case, agent) for case in cases for _ in range(2)]

    def one_pass():
        due_pass(now=DUE + timedelta(hours=1), deliver="none", batch_size=3)

    run_in_threads(one_pass, one_pass)
    # A pass skips a promise whose case the other pass holds locked (the
    # deadline rule); the next pass fires it. Nothing may fire twice.
    due_pass(now=DUE + timedelta(hours=2), deliver="none")

    broken = Counter(
        Event.objects.filter(kind=EventKind.PROMISE_BROKEN).values_list(
            "data__promise_id", flat=True
        )
    )
    assert broken == {p.pk: 1 for p in promises}
    assert told(NotificationKind.PROMISE_BROKEN) == {lead.username: len(promises)}
    keys = Outbox.objects.filter(key__startswith="promise:").values_list(
        "key", flat=True
    )
    assert len(set(keys)) == len(keys)
    assert not Promise.objects.filter(next_check_at__isnull=False).exists()
