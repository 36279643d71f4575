"""The Celery tasks in eager mode: the beat task fires, the delivery task sends."""

# Fixtures are imported from engine_support, so pytest (not ruff) sees them used.
# ruff: noqa: F401, F811

import pytest
from django.core import mail

from complaints.actors import Actor
from config.celery import app
from tests.unit.engine_support import (  # noqa: F401 (fixtures)
    at,
    fast_hasher,
    london,
    notified,
    office,
    policy,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_beat_task_fires_and_delivery_runs_after_commit(
    eager, make_case, staff, policy, django_capture_on_commit_callbacks
):
    from scheduler.tasks import process_due

    with at(london(2026, 6, 5, 15)):
        make_case("listening")
    with (
        at(london(2026, 6, 8, 10)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = process_due.delay().get()
    assert result["firings"] == 1
    assert notified(staff["agent"], "sla_warning") == 1
    assert [m.to for m in mail.outbox] == [[staff["agent"].email]]


def test_delivery_task_is_idempotent(eager, staff, make_case):
    from django.utils import timezone

    from notifications.services import notifications_create
    from notifications.tasks import deliver_outbox

    ids = notifications_create(
        recipients=[staff["lead"]],
        kind="sla_breached",
        key="t:1",
        context={"kind_label": "Resolution"},
        case=make_case("listening"),
        now=timezone.now(),
    )
    assert deliver_outbox.delay(ids).get()["sent"] == 1
    assert deliver_outbox.delay(ids).get()["skipped"] == 1
    assert len(mail.outbox) == 1


def test_tasks_acknowledge_late():
    from notifications.tasks import deliver_outbox
    from scheduler.tasks import process_due

    assert process_due.acks_late and deliver_outbox.acks_late
    assert "process-due-every-minute" in app.conf.beat_schedule


def test_record_events_appends_many_at_once(make_case):
    from complaints.models import EventKind
    from complaints.timeline import record_events

    first, second = make_case("new"), make_case("new")
    made = record_events(
        [
            (first, EventKind.SLA_WARNING, {"deadline": "resolution"}),
            (second, EventKind.ESCALATED, {"after": 1}),
        ],
        by=Actor.system("test"),
    )
    assert [e.pk is not None for e in made] == [True, True]
    assert first.events.filter(kind="sla_warning", actor_label="system:test").exists()
    assert second.events.get(kind="escalated").after == 1
