"""A small searched queue walked in the deadline order, chunk by chunk (PostgreSQL).

Due soon, Awaiting customer and Recently closed are read as their ids; a
staff search then tests the text on those ids in the deadline order a chunk
at a time (`web.selectors.inbox_few.SearchedAmong`), or reads a rare text's
matches from its indexes. Here every way of reading is held to the plain
query: the queue's filter and the search's alternatives in one query, sorted
by the next running deadline; the same cases, the same order, the same
count, for an agent, a lead and a manager.
"""

import functools
import itertools
from datetime import timedelta

import pytest
from django.db.models import Exists, OuterRef
from django.utils import timezone

from complaints.models import OPEN_STAGES, Case
from complaints.search import staff_match
from complaints.search_index import any_of
from complaints.selectors import cases_visible_to
from sla.models import RUNNING, Deadline, DeadlineKind
from sla.selectors import due_soon_q
from tests.web.inbox_support import clock, pages
from web.selectors.inbox import (
    SORTS,
    InboxFilters,
    inbox_case_ids,
    inbox_counts,
    queue_q,
)
from web.selectors.inbox_due import next_due
from web.selectors.inbox_few import SearchedAmong

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

FIRST, RESOLUTION = DeadlineKind.FIRST_RESPONSE, DeadlineKind.RESOLUTION


def _clock(
    case, kind: str, hours: float, *, now=None, warned: bool = True, **state
) -> None:
    """A clock due `hours` after `now`, in its warning window unless not `warned`."""
    now = now or timezone.now()
    warn = now - timedelta(minutes=1) if warned else now + timedelta(hours=hours)
    started = now - timedelta(hours=1)
    clock(case, kind, hours, now=now, started_at=started, warn_at=warn, **state)


@pytest.fixture
def queues(make_case, other_team):
    """Teapots with every kind of clock in Due soon, Awaiting customer and
    Recently closed; some in the agent's team, some in another, some in
    Triage; and cases the word does not match."""
    now = timezone.now()
    cases = [make_case(subject=f"Teapot {i}") for i in range(12)]
    clock = functools.partial(_clock, now=now)  # ties are ties
    clock(cases[0], FIRST, 5)
    clock(cases[0], RESOLUTION, 1)  # two in the window: listed once, by the first
    clock(cases[1], FIRST, 3, met_at=now)  # met: not running
    clock(cases[1], RESOLUTION, 3)
    clock(cases[2], RESOLUTION, 3)  # the same instant as case 1: newest first
    clock(cases[3], RESOLUTION, 2, paused_at=now)  # paused: not due soon
    clock(cases[4], RESOLUTION, 2, cancelled_at=now)  # cancelled: neither
    clock(cases[5], RESOLUTION, 4, warned=False)  # running, not in its window
    clock(cases[6], FIRST, 2)
    clock(cases[6], RESOLUTION, 2)  # two at one instant
    clock(cases[7], FIRST, -1)  # overdue: its next deadline, but not due soon
    clock(cases[7], RESOLUTION, 6)  # ...while this one is in its window
    clock(cases[8], RESOLUTION, 7)
    clock(cases[9], RESOLUTION, 0.5)
    Case.objects.filter(pk__in=[cases[8].pk, cases[9].pk]).update(team=other_team)
    Case.objects.filter(pk=cases[10].pk).update(team=None)  # Triage
    clock(cases[10], RESOLUTION, 8)
    Case.objects.filter(pk__in=[c.pk for c in cases[2:11:2]]).update(
        awaiting_customer=True
    )
    for i, days in enumerate([1, 2, 2, 8]):  # the last: closed too long ago
        closed = make_case(subject=f"Closed teapot {i}")
        clock(closed, RESOLUTION, 2 - i)
        Case.objects.filter(pk=closed.pk).update(
            stage="closed", closed_at=now - timedelta(days=days)
        )
    for i in range(3):
        clock(make_case(subject=f"Kettle {i}"), RESOLUTION, i)  # not matched
    return cases


def plain(user, queue: str, q: str, now) -> list[int]:
    """The queue as one plain query: filter, search, sorted by deadline."""
    cases = cases_visible_to(user).filter(queue_q(queue, user=user, now=now))
    if q:
        cases = cases.filter(any_of(staff_match(q)))
    ordered = cases.annotate(next_due_at=next_due("due_at")).order_by(*SORTS["due"][1])
    return list(ordered.values_list("pk", flat=True))


QUEUES = ("due_soon", "awaiting", "closed")


# How the walk reads: its first chunk (100: all at once; 1, 2: cut into
# chunks), and the share of matches under which the text is rare (0: never,
# then tested id by id; 1000 of 1000: read from the indexes after the first
# chunk unless every id matched).
WAYS = [(first, common) for first in (100, 1, 2) for common in (0, 50, 1000)]


@pytest.mark.parametrize("who", ["agent", "lead", "manager"])
@pytest.mark.parametrize("queue", QUEUES)
def test_a_searched_small_queue_lists_what_the_plain_query_lists(
    queues, request, who, queue, monkeypatch
):
    user = request.getfixturevalue(who)
    now = timezone.now()
    for q in ("teapot", "teapot 7", "nothing matches this"):
        expected = plain(user, queue, q, now)
        filters = InboxFilters(queue=queue, q=q, sort="due")
        for (first, common), cap in itertools.product(WAYS, (None, 1, 3)):
            monkeypatch.setattr("web.selectors.inbox_few.FIRST", first)
            monkeypatch.setattr("web.selectors.inbox_few.COMMON", common)
            ids = inbox_case_ids(user=user, filters=filters, now=now, cap=cap)
            assert isinstance(ids.listed, SearchedAmong)
            for size in (1, 2, 25):
                assert pages(ids.listed, size, len(expected)) == expected
            assert ids.listed.count() == len(expected)
            wanted = len(expected) if cap is None else min(len(expected), cap + 1)
            assert ids.counted.order_by()[: (cap or 100) + 1].count() == wanted
    assert plain(user, queue, "teapot", now)  # (none of them empty)


def test_the_queues_hold_what_the_fixture_says(queues, manager, lead, agent):
    now = timezone.now()
    due_soon = plain(manager, "due_soon", "teapot", now)
    pk = [c.pk for c in queues]
    # Case 9 first (due in half an hour), then 0 (its resolution, in an hour),
    # 6 (two clocks at one instant, once), 2 before 1 (a tie: newest first),
    # then 7 (overdue: its next deadline sorts it first of all).
    assert due_soon == [pk[7], pk[9], pk[0], pk[6], pk[2], pk[1], pk[8], pk[10]]
    assert pk[3] not in due_soon and pk[4] not in due_soon and pk[5] not in due_soon
    # The agent sees their team only; the lead their team and Triage.
    assert set(plain(agent, "due_soon", "teapot", now)) == set(due_soon) - {
        pk[8],
        pk[9],
        pk[10],
    }
    assert set(plain(lead, "due_soon", "teapot", now)) == set(due_soon) - {
        pk[8],
        pk[9],
    }


@pytest.mark.parametrize("who", ["agent", "lead", "manager"])
def test_due_soon_is_one_rule_for_the_queue_and_its_badge(queues, request, who):
    user = request.getfixturevalue(who)
    now = timezone.now()
    # The rule as it read before: an EXISTS of a running clock in its window.
    window = Deadline.objects.filter(
        case_id=OuterRef("pk"), warn_at__lte=now, due_at__gt=now, **RUNNING
    )
    visible = cases_visible_to(user).filter(stage__in=OPEN_STAGES)
    expected = set(visible.filter(Exists(window)).values_list("pk", flat=True))
    assert expected
    assert set(visible.filter(due_soon_q(now)).values_list("pk", flat=True)) == (
        expected
    )
    assert inbox_counts(user=user, now=now)["due_soon"] == len(expected)
    ids = inbox_case_ids(user=user, filters=InboxFilters(queue="due_soon"), now=now)
    assert set(ids.counted) == expected


def test_a_common_word_stops_walking_when_the_page_and_count_are_full(
    queues, manager, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr("web.selectors.inbox_few.FIRST", 2)
    now = timezone.now()
    filters = InboxFilters(queue="due_soon", q="teapot", sort="due")
    expected = plain(manager, "due_soon", "teapot", now)
    with CaptureQueriesContext(connection) as captured:
        ids = inbox_case_ids(user=manager, filters=filters, now=now, cap=1)
        assert ids.listed[0:2] == expected[:2]
    searched = [q["sql"] for q in captured.captured_queries if "@@" in q["sql"]]
    # The first two ids (both match: a page of two and a count of 1 + 1).
    assert len(searched) == 1, searched
    assert pages(ids.listed, 3, len(expected)) == expected  # walked on as asked


@pytest.mark.parametrize(
    ("who", "queue"),
    [
        (who, queue)
        for who in ("agent", "lead", "manager")
        for queue in ("all", "unassigned", "triage", "overdue", *QUEUES)
        if (who, queue) != ("agent", "triage")  # not offered to agents
    ],
)
def test_a_queue_walked_by_its_clocks_lists_what_the_plain_query_lists(
    queues, request, who, queue, monkeypatch
):
    # Read as a large queue (never by its ids), its walks cut short: 1 clock,
    # then 3, with a bound kept from before; searched or not.
    from django.core.cache import cache

    user = request.getfixturevalue(who)
    monkeypatch.setattr("web.selectors.inbox_few.FEW", 0)
    monkeypatch.setattr("web.selectors.inbox_due.CLOCKS_WALKED", 1)
    monkeypatch.setattr("web.selectors.inbox_due.WALK_LONGEST", 3)
    monkeypatch.setattr("web.selectors.inbox_due.MANY", 1)
    now = timezone.now()
    for q in ("teapot", "", "teapot 7"):
        expected = plain(user, queue, q, now)
        for kept in (None, [now + timedelta(hours=2)]):
            cache.clear()
            if kept is not None:
                cache.set("web:inbox:walk-bound:3", kept, 60)
            filters = InboxFilters(queue=queue, q=q, sort="due")
            ids = inbox_case_ids(user=user, filters=filters, now=now, size=10**6)
            assert not isinstance(ids.listed, SearchedAmong)
            for size in (1, 2, 25):
                assert pages(ids.listed, size, len(expected)) == expected
            assert sorted(ids.counted) == sorted(expected)
