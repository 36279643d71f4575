"""The change feed of the dashboard facts: each fact event is read exactly once.

An event's id is taken when it is written but seen when its transaction
commits, so an older id can appear after a newer one was read: the refresh
keeps the ids it did not see and folds such an event in when it appears,
and forgets an id once every transaction that could commit it has ended.
"""

import pytest
from django.db import connection

from complaints.actors import Actor
from complaints.models import EventKind
from complaints.services import case_update
from complaints.timeline import record_event
from dashboards import changes
from dashboards.changes import IDLE
from dashboards.facts import facts_refresh
from dashboards.models import CaseFacts, RefreshMark
from tests.connections import other_connection

CONCURRENT = pytest.mark.django_db(transaction=True)
EDITED = """
    UPDATE complaints_case SET priority = 'urgent' WHERE id = %(case)s;
    INSERT INTO complaints_event (case_id, actor_label, kind, data, created_at)
    VALUES (%(case)s, 'elsewhere', 'case_edited', '{}', now()) RETURNING id
"""


def pending() -> list:
    return RefreshMark.objects.get(name="facts").pending


@pytest.mark.postgres
@CONCURRENT
def test_an_event_committed_after_a_newer_one_is_folded_in_exactly_once(
    make_case, manager
):
    late, early = make_case("acknowledged"), make_case("acknowledged")
    facts_refresh()
    other = other_connection()
    try:
        with other.cursor() as cursor:  # takes an id, commits later
            cursor.execute(EDITED, {"case": late.pk})
            (taken,) = cursor.fetchone()
        case_update(case=early, by=manager, priority="low")
        assert facts_refresh() == 1  # the newer event only
        assert [pk for pk, _ in pending()] == [taken]
        assert CaseFacts.objects.get(pk=late.pk).priority != "urgent"
        other.commit()
    finally:
        other.close()
    assert facts_refresh() == 1  # the late one, now committed
    assert CaseFacts.objects.get(pk=late.pk).priority == "urgent"
    assert pending() == []
    assert facts_refresh() == 0  # read once


@pytest.mark.postgres
@CONCURRENT
def test_an_id_rolled_back_is_forgotten_once_no_transaction_can_commit_it(
    make_case, manager, monkeypatch
):
    case, other_case = make_case("acknowledged"), make_case("acknowledged")
    facts_refresh()
    other = other_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute(EDITED, {"case": case.pk})
            (taken,) = cursor.fetchone()
        case_update(case=other_case, by=manager, priority="low")
        assert facts_refresh() == 1
        # Still open: the id is kept however often the refresh runs.
        assert facts_refresh() == 0
        assert facts_refresh() == 0
        assert [pk for pk, _ in pending()] == [taken]
        other.rollback()
    finally:
        other.close()
    # The oldest transaction of the cluster (of any database: other work may
    # hold one) is past the horizon the refresh after it set.
    ((_, horizon),) = pending()
    monkeypatch.setattr(changes, "_snapshot", lambda: (horizon, horizon + 1))
    assert facts_refresh() == 0
    assert pending() == []
    assert CaseFacts.objects.get(pk=case.pk).priority != "urgent"


def test_a_refresh_reads_no_event_twice(make_case, manager):
    case = make_case("acknowledged")
    facts_refresh()
    case_update(case=case, by=manager, priority="low")
    assert facts_refresh() == 1
    assert facts_refresh() == 0
    case_update(case=case, by=manager, priority="high")
    assert facts_refresh() == 1
    assert CaseFacts.objects.get(pk=case.pk).priority == "high"


def test_events_that_change_no_fact_are_not_followed(make_case, manager):
    case = make_case("acknowledged")
    facts_refresh()
    for kind in (EventKind.SLA_WARNING, EventKind.LEGAL_HOLD_PLACED):
        record_event(case, kind, by=Actor.system("test"))
    assert facts_refresh() == 0
    record_event(case, EventKind.CASE_EDITED, by=Actor.system("test"))
    assert facts_refresh() == 1


def test_every_idle_kind_is_a_kind():
    assert IDLE.issubset(EventKind.values)
    assert EventKind.CASE_EDITED not in IDLE and EventKind.ESCALATED not in IDLE


@pytest.mark.postgres
def test_a_jump_of_the_id_sequence_keeps_no_pending_ids(make_case, manager):
    # A jump (setval, a restore) leaves a run of ids no transaction holds:
    # beyond its last LAG_IDS they cannot be ids in flight, and keeping them
    # would grow the mark by millions.
    case = make_case("acknowledged")
    facts_refresh()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('complaints_event', 'id'),"
            " (SELECT max(id) FROM complaints_event) + %s)",
            [changes.LAG_IDS * 100],
        )
    case_update(case=case, by=manager, priority="low")
    assert facts_refresh() == 1
    assert 0 < len(pending()) <= changes.LAG_IDS
    assert CaseFacts.objects.get(pk=case.pk).priority == "low"
