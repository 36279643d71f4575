"""The inbox's small queues in the deadline order (PostgreSQL).

Due soon, Awaiting customer and Recently closed hold few cases: they are read
as their ids with each case's next running deadline and ordered in memory
(`web.selectors.inbox_few`). Here they are held to the sorted query, page by
page, and their reads to the keys of their cases.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from complaints.models import Case
from sla.models import Deadline, DeadlineKind
from tests.web.inbox_support import (
    clock,
    pages,
    sorted_ids,
)
from web.selectors.inbox import (
    InboxFilters,
    inbox_case_ids,
)
from web.selectors.inbox_due import ByNextDue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def small_queues(clocked, make_case):
    """The clocked cases spread over Due soon, Awaiting customer and Recently
    closed, beside others in none of them."""
    now = timezone.now()
    soon = Deadline.objects.filter(case__in=clocked[:3], met_at__isnull=True)
    soon.update(warn_at=now - timedelta(minutes=5))  # in their warning window
    Case.objects.filter(pk__in=[c.pk for c in clocked[2:8]]).update(
        awaiting_customer=True
    )
    for i, days in enumerate([1, 3, 6, 9]):  # the last one: closed too long ago
        case = make_case(subject=f"Closed teapot {i}")
        clock(case, DeadlineKind.RESOLUTION, 2 - i)  # (clocks stopped on closing)
        Case.objects.filter(pk=case.pk).update(
            stage="closed", closed_at=now - timedelta(days=days)
        )
    make_case(subject="Teapot, open, in no small queue")
    return clocked


SMALL_QUEUES = ("due_soon", "awaiting", "closed")


@pytest.mark.parametrize("cap", [None, 1])  # 1: more matches than counted
@pytest.mark.parametrize("probe", [1000, 2])  # 2: matches found by the indexes
@pytest.mark.parametrize("q", ["teapot", "", "nothing matches this"])
@pytest.mark.parametrize("queue", SMALL_QUEUES)
def test_a_small_queue_in_the_deadline_order_is_the_sorted_one_page_by_page(
    small_queues, manager, queue, q, probe, cap, monkeypatch
):
    from complaints.search import cases_matching
    from complaints.selectors import cases_visible_to
    from web.selectors.inbox import queue_q

    monkeypatch.setattr("complaints.search_index.PROBE", probe)
    now = timezone.now()
    old = cases_visible_to(manager).filter(queue_q(queue, user=manager, now=now))
    expected = sorted_ids(cases_matching(old, q, user=manager), "due")
    monkeypatch.setattr("web.selectors.inbox_few.FIRST", 2)  # then the rest
    filters = InboxFilters(queue=queue, q=q, sort="due")
    ids = inbox_case_ids(user=manager, filters=filters, now=now, cap=cap)
    assert bool(expected) == (q != "nothing matches this")
    for size in (1, 2, 25):
        assert pages(ids.listed, size, len(expected)) == expected
    assert ids.listed.count() == len(expected)
    counted = len(expected) if cap is None or not q else min(len(expected), cap + 1)
    assert ids.counted.count() == counted


@pytest.mark.parametrize("queue", SMALL_QUEUES)
def test_a_small_queue_is_searched_by_the_keys_of_its_cases(
    small_queues, manager, queue
):
    # Planned with the queue's condition, PostgreSQL walked every open case
    # testing a common word (1 s for Due soon at 1M cases): the queue's cases
    # are read first, and every query that tests the text reads them by key.
    from django.test.utils import CaptureQueriesContext

    filters = InboxFilters(queue=queue, q="teapot", sort="due")
    with CaptureQueriesContext(connection) as captured:
        ids = inbox_case_ids(user=manager, filters=filters, now=timezone.now())
        assert ids.listed[0:26] and ids.counted.order_by()[:501].count()
    searching = [q["sql"] for q in captured.captured_queries if "@@" in q["sql"]]
    assert searching
    for sql in searching:
        assert "IN (SELECT unnest(" in sql or "= ANY((SELECT '{" in sql, sql
        assert "ORDER BY (SELECT" not in sql, sql  # no subquery per case sorted


def test_a_queue_larger_than_few_is_not_read_by_its_ids(
    small_queues, manager, monkeypatch
):
    from web.selectors.inbox_few import SearchedAmong

    filters = InboxFilters(queue="due_soon", q="teapot", sort="due")
    now = timezone.now()
    ids = inbox_case_ids(user=manager, filters=filters, now=now)
    assert isinstance(ids.listed, SearchedAmong)
    monkeypatch.setattr("web.selectors.inbox_few.FEW", 2)
    ids = inbox_case_ids(user=manager, filters=filters, now=now)
    assert isinstance(ids.listed, ByNextDue)
    monkeypatch.setattr("web.selectors.inbox_few.FEW", 100)
    ids = inbox_case_ids(user=manager, filters=filters, now=now, size=101)
    assert isinstance(ids.listed, ByNextDue)  # its count says it is not few


@pytest.mark.parametrize("q", ["teapot", "teapot 2"])  # (common, rare at PROBE 2)
@pytest.mark.parametrize("queue", SMALL_QUEUES)
def test_a_searched_small_queue_tests_the_text_on_its_ids_once(
    small_queues, manager, queue, q, monkeypatch
):
    # Tested a chunk of ids at a time, then counted apart, a rare word cost
    # three queries over the queue's ids (Due soon at 1M: 40 ms of 125 ms).
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr("complaints.search_index.PROBE", 2)
    filters = InboxFilters(queue=queue, q=q, sort="due")
    ids = inbox_case_ids(user=manager, filters=filters, now=timezone.now())
    with CaptureQueriesContext(connection) as captured:
        listed = [pk for at in range(0, 30, 2) for pk in ids.listed[at : at + 2]]
        assert ids.listed.count() == len(listed) > 0
    assert captured.captured_queries == []
    assert sorted(ids.counted) == sorted(listed)


@pytest.mark.parametrize("queue", SMALL_QUEUES)
def test_recently_closed_is_read_along_its_closing_time(small_queues, manager, queue):
    # Its week of closures ANDed as a bitmap with a lead's teams and Triage
    # (400,000 entries at 1M) cost 45 ms; along the index, 8 ms. Only there:
    # Due soon's clocks are found faster by bitmaps.
    from django.test.utils import CaptureQueriesContext

    filters = InboxFilters(queue=queue, sort="due")
    with CaptureQueriesContext(connection) as captured:
        inbox_case_ids(user=manager, filters=filters, now=timezone.now())
    sent = [q["sql"] for q in captured.captured_queries]
    assert ("SET LOCAL enable_bitmapscan = off" in sent) == (queue == "closed")
    with connection.cursor() as cursor:  # reset inside the test's transaction
        cursor.execute("SHOW enable_bitmapscan")
        assert cursor.fetchone()[0] == "on"
