"""The inbox's deadline and priority orders, read part by part (PostgreSQL).

Sorting by the next running deadline (a subquery per case) or by the
priority's rank (a CASE) sorted every case of a queue before its first row:
a common word in All open sorted 200,000 matches at 1M cases (0.6 s).
`by_next_due` and `by_priority` read the same order along indexes, one part
after another (`web.paging.Concatenation`); here they are held to the order
the sorted query gives, page by page.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Exists
from django.utils import timezone

from complaints.models import OPEN_STAGES, Case, Priority
from tests.web.inbox_support import (
    explain,
    explain_sql,
    full_sorts,
    last_read,
    pages,
    sorted_ids,
)
from web.paging import Concatenation
from web.selectors.inbox import (
    SORTS,
    InboxFilters,
    _priority_rank,
    by_priority,
    inbox_case_ids,
)
from web.selectors.inbox_due import ByNextDue, running

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.mark.parametrize("size", [None, 10**6])
@pytest.mark.parametrize("walked", [1, 3, 6, 1000])
def test_the_deadline_order_is_the_sorted_one_page_by_page(
    clocked, monkeypatch, walked, size
):
    # However many clocks a page walks before it sorts instead: 1 (only
    # clocks due before the first: none), some, or all of them; and, for a
    # large queue (`size`), twice as many after (1 then 2, 3 then 6, ...).
    monkeypatch.setattr("web.selectors.inbox_due.CLOCKS_WALKED", walked)
    monkeypatch.setattr("web.selectors.inbox_due.WALK_LONGEST", walked * 2)
    monkeypatch.setattr("web.selectors.inbox_due.MANY", 1)
    cases = Case.objects.filter(pk__in=[c.pk for c in clocked])
    expected = sorted_ids(cases, "due")
    assert expected[0] == clocked[3].pk and expected[1] == clocked[0].pk
    listing = ByNextDue(cases, size=size)
    for size in (1, 2, 4, 25):
        assert pages(listing, size, len(expected)) == expected
    assert listing.count() == len(expected)


def test_the_priority_order_is_the_sorted_one_page_by_page(make_case):
    cases = [
        make_case(subject="Teapot", priority=p)
        for p in [Priority.LOW, Priority.URGENT, Priority.NORMAL, Priority.HIGH] * 2
    ]
    Case.objects.filter(pk=cases[0].pk).update(priority="unknown")  # rank 0, as low
    queryset = Case.objects.filter(pk__in=[c.pk for c in cases])
    expected = sorted_ids(queryset, "priority")
    listing = by_priority(queryset)
    for size in (1, 3, 25):
        assert pages(listing, size, len(expected)) == expected


@pytest.mark.parametrize("sort", list(SORTS))
def test_a_searched_queue_lists_its_matches_in_each_order(
    clocked, make_case, agent, sort
):
    make_case(subject="Nothing to see")
    filters = InboxFilters(queue="all", q="teapot", sort=sort)
    ids = inbox_case_ids(user=agent, filters=filters, now=timezone.now())
    expected = sorted_ids(Case.objects.filter(pk__in=list(ids.counted)), sort)
    assert sorted(expected) == sorted(c.pk for c in clocked)
    assert pages(ids.listed, 4, len(expected)) == expected


def test_the_inbox_pages_through_the_deadline_order(agent_client, clocked, monkeypatch):
    monkeypatch.setattr("web.views.inbox.PAGE_SIZE", 4)
    expected = sorted_ids(Case.objects.filter(pk__in=[c.pk for c in clocked]), "due")
    seen = []
    for number in (1, 2, 3):
        page = agent_client.get(f"/?queue=all&q=teapot&page={number}").context["page"]
        seen += [c.pk for c in page.object_list]
    assert seen == expected
    assert (
        "9 cases, page 1 of 3"
        in agent_client.get("/?queue=all&q=teapot").content.decode()
    )


def test_a_page_walks_the_running_clocks_due_first_or_sorts(clocked, monkeypatch):
    from django.test.utils import CaptureQueriesContext

    cases = Case.objects.filter(stage__in=OPEN_STAGES)
    listing = ByNextDue(cases)
    expected = sorted_ids(cases, "due")[0:2]
    with CaptureQueriesContext(connection) as captured:
        assert listing[0:2] == expected
    walk = next(
        q["sql"]
        for q in reversed(captured.captured_queries)
        if q["sql"].startswith("SELECT") and 'JOIN "sla_deadline"' in q["sql"]
    )
    plan = explain_sql(walk)
    # The clocks read along their index in due order, each case's earliest
    # kept: no sort of the queue (the sorted query could only sort).
    assert "Index Only Scan using deadline_running_due" in plan, plan
    assert not full_sorts(plan), plan
    assert full_sorts(explain(listing.sorted()[0:2]))
    # Past the clocks walked, the page is sorted: the same rows.
    monkeypatch.setattr("web.selectors.inbox_due.CLOCKS_WALKED", 2)
    expected = sorted_ids(cases, "due")[2:4]
    with CaptureQueriesContext(connection) as captured:
        assert listing[2:4] == expected
    fallback = last_read(captured)
    assert "ASC NULLS LAST" in fallback and fallback.endswith("LIMIT 2 OFFSET 2")


@pytest.mark.parametrize(
    "size, many, sorts",
    [(30_000, 1, True), (30_001, 1, False), (30_001, 1000, True)],
)
def test_a_large_queue_walks_further_clocks_before_it_sorts(
    clocked, monkeypatch, size, many, sorts
):
    from django.test.utils import CaptureQueriesContext

    # The page's cases lie past the first clock walked, within the next two;
    # further only in a queue of more than 30,000 cases, if `many` match.
    monkeypatch.setattr("web.selectors.inbox_due.CLOCKS_WALKED", 1)
    monkeypatch.setattr("web.selectors.inbox_due.WALK_LONGEST", 3)
    monkeypatch.setattr("web.selectors.inbox_due.MANY", many)
    cases = Case.objects.filter(stage__in=OPEN_STAGES)
    expected = sorted_ids(cases, "due")[0:2]
    with CaptureQueriesContext(connection) as captured:
        assert ByNextDue(cases, size=size)[0:2] == expected
    last = last_read(captured)
    assert ("ASC NULLS LAST" in last) == sorts, last


def test_the_cases_without_a_running_clock_follow_newest_first_along_an_index():
    cases = Case.objects.filter(stage__in=OPEN_STAGES)
    untimed = cases.filter(~Exists(running())).order_by("-created_at")
    plan = explain(untimed.values_list("pk", flat=True)[0:26])
    assert "Scan Backward using case_open_created" in plan, plan
    assert not full_sorts(plan), plan


def test_a_priority_page_reads_each_rank_along_an_index(clocked):
    cases = Case.objects.filter(stage__in=OPEN_STAGES)
    plan = explain(by_priority(cases)[0:26])
    assert "case_open_priority" in plan and not full_sorts(plan), plan
    ranked = cases.annotate(priority_rank=_priority_rank())
    assert full_sorts(explain(ranked.order_by(*SORTS["priority"][1])[0:26]))


def test_a_concatenation_is_read_by_bounded_slices_only(make_case):
    made = [make_case().pk for _ in range(3)]
    newest = Case.objects.filter(pk__in=made).order_by("-created_at", "-id")
    oldest = Case.objects.filter(pk__in=made).order_by("created_at", "id")
    both = Concatenation(
        newest.values_list("pk", flat=True), oldest.values_list("pk", flat=True)
    )
    assert list(both[2:4]) == [made[0], made[0]]
    assert list(both[0:10]) == made[::-1] + made
    for key in (0, slice(2, None), slice(0, 4, 2)):
        with pytest.raises(TypeError):
            both[key]


@pytest.mark.parametrize(
    "with_a_clock, many, sorts", [(False, 2, False), (True, 2, True), (False, 9, True)]
)
def test_a_queue_without_running_clocks_lists_newest_first_unsorted(
    clocked, monkeypatch, with_a_clock, many, sorts
):
    from django.test.utils import CaptureQueriesContext

    # Cases 4, 5, 7, 8: a paused clock, a cancelled one, none. Their queue
    # with case 0 (a running clock) too must be sorted, however searched; so
    # are fewer matches than `many` (sorted at once).
    monkeypatch.setattr("web.selectors.inbox_due.CLOCKS_WALKED", 1)
    monkeypatch.setattr("web.selectors.inbox_due.MANY", many)
    untimed = [clocked[i].pk for i in (4, 5, 7, 8)]
    cases = Case.objects.filter(pk__in=untimed)
    queue = Case.objects.filter(pk__in=untimed + [clocked[0].pk] * with_a_clock)
    expected = sorted_ids(cases, "due")
    listing = ByNextDue(cases, queue=queue)
    for size in (1, 3, 25):
        with CaptureQueriesContext(connection) as captured:
            assert pages(listing, size, len(expected)) == expected
        last = last_read(captured)
        assert ("ASC NULLS LAST" in last) == sorts, last


def test_a_walk_looks_its_cases_up_by_key_and_leaves_the_plan_as_it_was(clocked):
    # A hash join read every case of the queue before the first clock; a
    # parallel plan cost more to start than the walk itself.
    from django.test.utils import CaptureQueriesContext

    cases = Case.objects.filter(stage__in=OPEN_STAGES)
    with CaptureQueriesContext(connection) as captured:
        assert ByNextDue(cases)[0:2] == sorted_ids(cases, "due")[0:2]
    sent = [q["sql"] for q in captured.captured_queries]
    setting = next(sql for sql in sent if "enable_hashjoin = off" in sql)
    assert "enable_mergejoin = off" in setting
    assert "max_parallel_workers_per_gather = 0" in setting
    with connection.cursor() as cursor:  # reset inside the test's transaction
        for name in ("enable_hashjoin", "enable_mergejoin"):
            cursor.execute(f"SHOW {name}")
            assert cursor.fetchone()[0] == "on"


@pytest.mark.parametrize("bound_hours", [None, -100, -3, 0, 1, 3, 100])
@pytest.mark.parametrize("size", [None, 10**6])
def test_a_kept_walk_bound_of_any_age_gives_the_same_pages(
    clocked, monkeypatch, bound_hours, size
):
    # The n-th clock's due time is kept a minute; clocks met, paused or filed
    # since then move it. Whatever it says (before every clock, among them,
    # after all, or "fewer clocks than that"), a page is the sorted one.
    from django.core.cache import cache

    from web.selectors.inbox_due import walk_bound

    monkeypatch.setattr("web.selectors.inbox_due.MANY", 1)
    kept = (
        [] if bound_hours is None else [timezone.now() + timedelta(hours=bound_hours)]
    )
    for walked in (1, 3, 1000, 100_000):
        cache.set(f"web:inbox:walk-bound:{walked}", kept, 60)
        assert walk_bound(walked) == kept
    cases = Case.objects.filter(pk__in=[c.pk for c in clocked])
    expected = sorted_ids(cases, "due")
    listing = ByNextDue(cases, size=size)
    for page_size in (1, 2, 4, 25):
        assert pages(listing, page_size, len(expected)) == expected
