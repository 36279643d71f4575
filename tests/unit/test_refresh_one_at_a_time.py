"""One writer of the dashboards at a time.

Beat refreshes the facts every minute and rebuilds them nightly; at a million
cases the rebuild takes minutes, and a refresh after a large change can
outlast its minute, so two can run at once. Each adds to the rollup what its
cases count after less what they counted before: two that tallied the same
"before" added the same difference twice. A refresh that finds another
writer at work now leaves the changes to the next one; the rebuild waits.
"""

import threading
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

import dashboards.facts as facts
from complaints.models import Case, Category, Priority, Stage
from complaints.services import case_escalate, case_update
from dashboards.changes import WRITER
from dashboards.facts import facts_rebuild, facts_refresh
from dashboards.models import CaseFacts, RefreshMark, Rollup
from tests.dashboard_state import all_time, rollup_rows

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def change(manager) -> None:
    for case in Case.objects.filter(stage=Stage.ACKNOWLEDGED)[:3]:
        other = Category.objects.exclude(pk=case.category_id).first()
        case_update(case=case, by=manager, category=other, priority=Priority.URGENT)
    for case in Case.objects.filter(stage=Stage.RESOLVING, escalation_level=0)[:2]:
        case_escalate(case=case, level=1, by=manager)


def in_a_thread(target) -> tuple[threading.Thread, list]:
    errors: list = []

    def run():
        try:
            target()
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    return threading.Thread(target=run), errors


def test_a_refresh_while_another_counts_changes_nothing_twice(monkeypatch):
    call_command("seed_demo", stdout=StringIO())
    manager = get_user_model().objects.get(username="manager")
    facts_refresh()
    change(manager)
    tallied, go = threading.Event(), threading.Event()
    tally = facts.rollup_tally

    def pausing(*args, **kwargs):  # the first refresh stops after "before"
        found = tally(*args, **kwargs)
        if threading.current_thread() is first and not tallied.is_set():
            tallied.set()
            go.wait(30)
        return found

    monkeypatch.setattr(facts, "rollup_tally", pausing)
    first, errors = in_a_thread(facts_refresh)
    first.start()
    assert tallied.wait(30)
    facts_refresh()  # the second, meanwhile
    go.set()
    first.join(60)
    assert not first.is_alive() and errors == []
    facts_refresh()  # (whatever the second left)
    counted, shown = rollup_rows(), all_time(manager)
    CaseFacts.objects.all().delete()
    Rollup.objects.all().delete()
    RefreshMark.objects.all().delete()
    facts_rebuild()
    assert rollup_rows() == counted
    assert all_time(manager) == shown


def test_the_rebuild_waits_for_a_refresh_at_work(monkeypatch):
    call_command("seed_demo", stdout=StringIO())
    manager = get_user_model().objects.get(username="manager")
    facts_refresh()
    change(manager)
    started, go, order = threading.Event(), threading.Event(), []
    made = facts.facts_made

    def pausing(ids):
        if threading.current_thread() is refresh and not started.is_set():
            started.set()
            go.wait(30)
            order.append("refresh")
        return made(ids)

    monkeypatch.setattr(facts, "facts_made", pausing)
    refresh, errors = in_a_thread(facts_refresh)
    refresh.start()
    assert started.wait(30)
    rebuild, rebuild_errors = in_a_thread(lambda: order.append(facts_rebuild()))
    rebuild.start()
    rebuild.join(2)
    assert rebuild.is_alive()  # waiting, not rebuilding beside the refresh
    go.set()
    refresh.join(60)
    rebuild.join(60)
    assert errors == rebuild_errors == []
    assert order == ["refresh", Case.objects.count()]


def test_a_refresh_finding_another_writer_leaves_its_changes_the_command_waits(
    caplog,
):
    call_command("seed_demo", stdout=StringIO())
    manager = get_user_model().objects.get(username="manager")
    facts_refresh()
    change(manager)
    held, release = threading.Event(), threading.Event()

    def another_writer():  # as a refresh at work in another process would
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [WRITER])
            held.set()
            release.wait(30)
            cursor.execute("SELECT pg_advisory_unlock(%s)", [WRITER])

    writer, errors = in_a_thread(another_writer)
    writer.start()
    assert held.wait(30)
    before = list(CaseFacts.objects.order_by("pk").values_list())
    with caplog.at_level("INFO", logger="dashboards.facts"):
        assert facts_refresh() == 0  # at once, and nothing written
    assert "another refresh or the rebuild is at work" in caplog.text
    assert list(CaseFacts.objects.order_by("pk").values_list()) == before
    out = StringIO()
    command, command_errors = in_a_thread(
        lambda: call_command("refresh_dashboard", stdout=out)
    )
    command.start()
    command.join(2)
    assert command.is_alive()  # waiting for the other writer
    release.set()
    command.join(60)
    writer.join(30)
    assert errors == command_errors == []
    # The changes left in the feed: the command found them.
    assert "refreshed the facts of 0 cases" not in out.getvalue()
    assert list(CaseFacts.objects.order_by("pk").values_list()) != before
