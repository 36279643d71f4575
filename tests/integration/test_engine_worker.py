"""A real Celery worker and beat against a real Redis and the test database.

Happy path: beat ticks, the worker runs the due pass and delivers the outbox,
even with two beats running by mistake. Faults: SIGKILL of the worker mid-batch,
Redis restarted mid-run, database connections killed mid-run, the broker down
while a request queues work. The outbox counts: every email is sent, none twice
in the outbox. The mail server may see a repeat only of the chunk a process was
delivering when it died, between handing mails over and committing (at most
DELIVERY_CHUNK, each with the same Message-ID, so clients show it once).
"""

import json
import signal
import time

import pytest
from celery import Celery
from django.db import connection

from complaints.models import Case, Event
from notifications.models import Notification, Outbox, OutboxStatus
from notifications.services import DELIVERY_CHUNK
from sla.models import Calendar, SlaPolicy
from tests.factories import CaseFactory
from tests.integration.conftest import message_ids, wait_until
from tests.integration.work import due_cases, queued_emails, staff_with_email

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
SLOW_MAIL = "tests.integration.mailbackend.SlowFileBackend"


@pytest.fixture
def setup(team, settings):
    calendar = Calendar.objects.create(name="Always", time_zone="UTC")
    SlaPolicy.objects.create(
        name="Normal",
        priority="normal",
        calendar=calendar,
        first_response_minutes=60,
        resolution_minutes=240,
        escalation_minutes=60,
    )
    lead, manager = staff_with_email(team)
    return team, lead, manager


def all_sent(expected: int):
    def check():
        rows = Outbox.objects.count()
        sent = Outbox.objects.filter(status=OutboxStatus.SENT).count()
        return rows == expected and sent == expected

    return check


def assert_each_sent_once(folder, expected: int, allowed_repeats: int = 0) -> None:
    ids = message_ids(folder)
    assert len(ids) == expected, f"{len(ids)} distinct emails, expected {expected}"
    repeats = sum(ids.values()) - expected
    assert repeats <= allowed_repeats, f"{repeats} emails sent twice"
    assert not Outbox.objects.exclude(status=OutboxStatus.SENT).exists()


def publish(url: str, ids: list[int], chunk: int = 10) -> None:
    """Queue delivery tasks the way the services do, on a given broker."""
    app = Celery(broker=url)
    for start in range(0, len(ids), chunk):
        app.send_task(
            "notifications.tasks.deliver_outbox", args=[ids[start : start + chunk]]
        )
    app.close()


def terminate_other_backends() -> int:
    """Kill every other connection to the test database; return how many."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def worker_ready(stack, name: str, after: int = 0):
    return wait_until(
        lambda: stack.log(name).count(" ready.") > after, 60, what=f"{name} ready"
    )


def test_beat_pass_and_delivery_end_to_end_even_with_two_beats(stack, setup):
    team, lead, manager = setup
    cases = due_cases(team, 8)
    stack.worker("w1")
    worker_ready(stack, "w1")
    stack.beat("beat1")
    stack.beat("beat2")
    wait_until(all_sent(32), 60, what="32 emails sent")
    time.sleep(5)  # more ticks from both beats: nothing more may fire
    assert Outbox.objects.count() == 32
    assert_each_sent_once(stack.mail, 32)
    escalations = Event.objects.filter(kind="escalated", case__in=cases)
    assert escalations.count() == 16
    assert (
        Case.objects.filter(pk__in=[c.pk for c in cases], escalation_level=2).count()
        == 8
    )
    assert Notification.objects.filter(recipient=lead).count() == 16
    assert Notification.objects.filter(recipient=manager).count() == 16
    assert stack.log("beat2").count("Scheduler: Sending due task") >= 2


def test_worker_killed_mid_batch_then_restarted_sends_each_email_once(
    private_stack, setup
):
    stack = private_stack
    case = CaseFactory.file(team=setup[0])
    ids = queued_emails(case, 150, "kill")
    stack.worker("w1", EMAIL_BACKEND=SLOW_MAIL)
    worker_ready(stack, "w1")
    queued = stack.manage("process_due", "--enqueue", "--stale-after", "0")
    assert "150 pending email(s) queued again" in queued.stdout, queued.stderr
    # Kill once the first chunk is committed as sent: a kill between the mail
    # server taking a chunk and its commit would leave nothing marked sent.
    wait_until(
        lambda: Outbox.objects.filter(status=OutboxStatus.SENT).count() >= 20,
        30,
        0.05,
        what="the first chunk marked sent",
    )
    stack.kill(stack.procs[0], signal.SIGKILL)
    sent_before = Outbox.objects.filter(status=OutboxStatus.SENT).count()
    assert 20 <= sent_before < 150, "the kill should land mid-batch"
    stack.worker("w2", EMAIL_BACKEND=SLOW_MAIL)
    worker_ready(stack, "w2")
    # The killed task's message is held until the visibility timeout; the
    # sweep of the due pass re-queues what is still pending right away.
    stack.manage("process_due", "--enqueue", "--stale-after", "0")
    wait_until(all_sent(150), 60, what="150 emails sent")
    assert_each_sent_once(stack.mail, 150, allowed_repeats=DELIVERY_CHUNK)
    assert set(
        Outbox.objects.filter(pk__in=ids).values_list("attempts", flat=True)
    ) == {1}


@pytest.mark.parametrize("private_redis", [6392], indirect=True)
def test_redis_restarted_mid_run_loses_nothing(private_stack, private_redis, setup):
    stack = private_stack
    case = CaseFactory.file(team=setup[0])
    ids = queued_emails(case, 150, "redis")
    stack.worker("w1", EMAIL_BACKEND=SLOW_MAIL)
    worker_ready(stack, "w1")
    publish(private_redis.url, ids)
    wait_until(lambda: sum(message_ids(stack.mail).values()) >= 20, 30, 0.05)
    private_redis.kill()  # it keeps nothing on disk: the queued tasks are gone
    time.sleep(1)
    private_redis.start()
    wait_until(
        lambda: "Connected to redis" in stack.log("w1").split("ready.", 1)[-1],
        60,
        what="worker reconnected",
    )
    pending = Outbox.objects.filter(status=OutboxStatus.PENDING).count()
    assert pending > 0, "the restart should have lost queued work"
    stack.manage("process_due", "--enqueue", "--stale-after", "0")
    wait_until(all_sent(150), 60, what="150 emails sent")
    assert_each_sent_once(stack.mail, 150, allowed_repeats=DELIVERY_CHUNK)


def test_database_connections_killed_mid_run_worker_and_beat_recover(stack, setup):
    team = setup[0]
    case = CaseFactory.file(team=team)
    ids = queued_emails(case, 150, "pg")
    stack.worker("w1", EMAIL_BACKEND=SLOW_MAIL)
    worker_ready(stack, "w1")
    stack.beat("beat1")
    publish(stack.redis_url, ids)
    wait_until(lambda: sum(message_ids(stack.mail).values()) >= 20, 30, 0.05)
    wait_until(terminate_other_backends, 10, 0.01, what="a backend to terminate")
    stack.manage("process_due", "--enqueue", "--stale-after", "0")
    wait_until(all_sent(150), 60, what="150 emails sent")
    assert_each_sent_once(stack.mail, 150, allowed_repeats=DELIVERY_CHUNK)
    # The beat-driven pass still runs in the recovered worker.
    late = due_cases(team, 1)[0]
    wait_until(
        lambda: Case.objects.get(pk=late.pk).escalation_level == 2,
        30,
        what="the beat pass to escalate a new case",
    )


def database_sessions() -> int:
    """How many connections the test database has taken since its start."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        )
        return cursor.fetchone()[0]


def test_a_worker_keeps_its_database_connection_from_task_to_task(stack, setup):
    """Celery's Django fixup closed every connection before and after each task
    (unless CELERY_DB_REUSE_MAX is set): each task connected anew, which cost
    a webhook delivery about as much as its work (config.celery)."""
    case = CaseFactory.file(team=setup[0])
    ids = queued_emails(case, 30, "conn")
    stack.worker("w1")
    worker_ready(stack, "w1")
    before = database_sessions()
    publish(stack.redis_url, ids, chunk=1)  # thirty tasks
    wait_until(all_sent(30), 60, what="30 emails sent")
    time.sleep(1.5)  # sessions are counted when a backend reports its stats
    assert database_sessions() - before <= 3


def test_broker_down_never_blocks_or_fails_queueing_work(stack, setup):
    case = CaseFactory.file(team=setup[0])
    script = (
        "import json, time\n"
        "from django.db import transaction\n"
        "from django.utils import timezone\n"
        "from complaints.models import Case\n"
        "from notifications.outbox import outbox_enqueue_on_commit\n"
        "from notifications.services import email_queue\n"
        "start = time.monotonic()\n"
        "with transaction.atomic():\n"
        f"    case = Case.objects.get(pk={case.pk})\n"
        "    row = email_queue(to='a@example.com', template='sla_warning', key='down:1',"
        " context={}, case=case)\n"
        "    outbox_enqueue_on_commit([row])\n"
        "print(json.dumps({'seconds': time.monotonic() - start, 'id': row}))\n"
    )
    done = stack.manage(
        "shell", "-c", script, REDIS_URL="redis://127.0.0.1:6399/0", timeout=30
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["seconds"] < 3
    assert "broker unavailable" in done.stderr
    row = Outbox.objects.get(pk=result["id"])
    assert row.status == OutboxStatus.PENDING
