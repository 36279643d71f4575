"""Two due passes at once, on separate connections, fire nothing twice (PostgreSQL)."""

# Fixtures are imported from engine_support, so pytest (not ruff) sees them used.
# ruff: noqa: F401, F811

import threading
from collections import Counter

import pytest
from django.db import connection, transaction

from complaints.models import Case, Event
from notifications.models import Notification, Outbox
from scheduler.engine import due_pass
from tests.unit.engine_support import (  # noqa: F401 (fixtures)
    at,
    fast_hasher,
    london,
    office,
    policy,
    staff,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
FILED = london(2026, 6, 5, 15)
LATE = london(2026, 6, 12, 16)  # every deadline breached and escalated again


def run_in_threads(*targets):
    errors = []
    barrier = threading.Barrier(len(targets))

    def wrap(target):
        try:
            barrier.wait()
            target()
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors


def test_two_concurrent_passes_fire_each_step_exactly_once(make_case, staff, policy):
    with at(FILED):
        cases = [make_case("listening") for _ in range(12)]
    reports = []

    def one_pass():
        reports.append(due_pass(now=LATE, deliver="none", batch_size=4))

    run_in_threads(one_pass, one_pass)

    assert sum(r.errors for r in reports) == 0
    # Two deadlines per case: each breaches and escalates again once.
    assert sum(r.breaches for r in reports) == 24
    assert sum(r.escalations for r in reports) == 24
    assert all(r.breaches for r in reports), "both passes should have done work"
    escalated = Counter(
        Event.objects.filter(kind="escalated").values_list("case_id", flat=True)
    )
    assert escalated == {case.pk: 2 for case in cases}
    assert Case.objects.filter(escalation_level=2).count() == 12
    keys = Counter(Outbox.objects.values_list("key", flat=True))
    assert len(keys) == Outbox.objects.count() == 48
    assert Notification.objects.filter(recipient=staff["lead"]).count() == 24
    again = due_pass(now=LATE, deliver="none")
    assert again.firings == 0


def test_a_case_locked_by_a_web_request_is_skipped_then_fired(make_case, staff, policy):
    with at(FILED):
        busy = make_case("listening")
        free = make_case("listening")
    holding, release = threading.Event(), threading.Event()

    def web_request():
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=busy.pk)
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    worker = threading.Thread(target=web_request)
    worker.start()
    try:
        holding.wait(10)
        first = due_pass(now=LATE, deliver="none")
    finally:
        release.set()
        worker.join(30)
    assert first.breaches == 2  # the free case's two deadlines only
    assert Case.objects.get(pk=free.pk).escalation_level == 2
    assert Case.objects.get(pk=busy.pk).escalation_level == 0
    second = due_pass(now=LATE, deliver="none")
    assert second.breaches == 2
    assert Case.objects.get(pk=busy.pk).escalation_level == 2
