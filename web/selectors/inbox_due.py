"""The inbox's deadline order: each case's running clock due first, walked
along the clocks' index where that pays."""

from datetime import datetime

from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from complaints.models import Case
from complaints.search_index import planner_settings
from sla.models import RUNNING, Deadline

# SORTS["due"]: the running deadline that falls due first, then the cases
# with none, newest first.
DUE_ORDER = (F("next_due_at").asc(nulls_last=True), "-created_at")


def running(now: datetime | None = None) -> QuerySet[Deadline]:
    """The running clocks of the outer query's case."""
    return Deadline.objects.filter(case_id=OuterRef("pk"), **RUNNING)


def next_due(column: str) -> Subquery:
    """A column of the case's running deadline that falls due first."""
    return Subquery(running().order_by("due_at").values(column)[:1])


# Running clocks a page of the deadline order walks before it sorts (`ByNextDue`).
CLOCKS_WALKED = 1000
# A large queue (over WALK_FURTHER_FROM cases) with MANY matches or more walks
# on to WALK_LONGEST clocks at once. A walk stops as soon as the page is full,
# so a longer one costs only the read of its bound when the page lies near;
# one that fails costs every clock it read. Grown 10 times at a time, a
# lead's Unassigned at 1M (40,000 cases, clustered) found none of its 26 in
# 1,000 clocks, none in 10,000 (40-60 ms lost), all within 11,200.
WALK_FURTHER_FROM, WALK_LONGEST, MANY = 30_000, 100_000, 1000
# The walk reads clocks in due order and looks each case up by key, stopping
# once the page is full: a hash join read every case of the queue first, and
# a parallel plan cost more to start than the walk (118 ms, not 66, for the
# lead's Unassigned under load).
WALK_PLAN = {
    "enable_hashjoin": "off",
    "enable_mergejoin": "off",
    "max_parallel_workers_per_gather": "0",
}


class ByNextDue:
    """The ids of `cases` in the deadline order, walked where that pays (PostgreSQL).

    The order of SORTS["due"] (DUE_ORDER): the running deadline that falls due first,
    then the cases with none, newest first. Sorted as one query, each case's
    next deadline is looked up for every case of the queue before the first
    row (a common word in All open: 200,000 cases, 0.8 s at 1M). So a page
    first walks the `CLOCKS_WALKED` running clocks due first (index
    `deadline_running_due`), keeping each case's earliest: when the page is
    among them, that is the page (All open, Overdue, Triage); when every
    running clock was walked, the cases with none follow, newest first. Else
    a queue over WALK_FURTHER_FROM (`size`) with MANY matches or more (a rare
    word's few sort at once) walks on to WALK_LONGEST; then it sorts,
    unless no case of its `queue` (unsearched) has a running clock: then
    its MANY or more are newest first (Awaiting customer, paused: 20 ms).
    """

    ordered = True

    def __init__(self, cases: QuerySet[Case], size=None, queue=None):
        self.cases = cases
        self.size = size
        self.queue = cases if queue is None else queue

    def __getitem__(self, key: slice) -> list[int]:
        if not isinstance(key, slice) or key.stop is None or key.step:
            raise TypeError("read by slices with an end")
        ids, whole = self._walked(key.stop, CLOCKS_WALKED)
        if whole or self.cases.order_by()[:MANY].count() < MANY:
            return ids[key] if whole else list(self.sorted()[key])
        if (self.size or 0) > WALK_FURTHER_FROM:
            ids, whole = self._walked(key.stop, WALK_LONGEST)
        if not whole and not self.queue.filter(Exists(running())).exists():
            ids, whole = self._untimed(key.stop), True
        return ids[key] if whole else list(self.sorted()[key])

    def sorted(self) -> QuerySet:
        """The order as one sorted query."""
        due = self.cases.annotate(next_due_at=next_due("due_at"))
        return due.order_by(*DUE_ORDER).values_list("pk", flat=True)

    def count(self) -> int:
        return self.cases.count()

    def _walked(self, top: int, walked: int) -> tuple[list[int], bool]:
        """Up to `top` ids walking `walked` clocks; whether they are the first."""
        after = walk_bound(walked)
        # Only clocks due strictly before the bound: a case kept has its
        # earliest there, and every case left out sorts after them all.
        joined = {f"deadlines__{k}": v for k, v in RUNNING.items()}
        if after:
            joined["deadlines__due_at__lt"] = after[0]
        else:  # an inner join all the same: only cases with a running clock
            joined["deadlines__due_at__isnull"] = False
        clocked = self.cases.filter(**joined).annotate(
            clock_due=F("deadlines__due_at"), clock=F("deadlines__id")
        )
        earlier = running().filter(
            Q(due_at__lt=OuterRef("clock_due"))
            | Q(due_at=OuterRef("clock_due"), pk__lt=OuterRef("clock"))
        )
        timed = clocked.filter(~Exists(earlier)).order_by("clock_due", "-created_at")
        with planner_settings(**WALK_PLAN):
            ids = list(timed.values_list("pk", flat=True)[:top])
        if len(ids) == top:
            return ids, True
        if after:  # more clocks than walked: the rest of the page is further on
            return ids, False
        return ids + self._untimed(top - len(ids)), True

    def _untimed(self, top: int) -> list[int]:
        untimed = self.cases.filter(~Exists(running())).order_by("-created_at")
        return list(untimed.values_list("pk", flat=True)[:top])


# How long the due time of the n-th running clock is kept (`walk_bound`).
WALK_BOUND_TTL = 60  # seconds


def walk_bound(walked: int) -> list[datetime]:
    """The due time of the `walked`-th running clock ([] when fewer run), as
    read at most WALK_BOUND_TTL seconds ago.

    The bound only limits how far a walk reads; any time gives the same page
    (a case kept has its earliest running clock before it, a case left out
    none). Read afresh, the 100,000th clock was an index read of 100,000
    entries on every page of a large queue (18 ms at 1M under load); kept, it
    is a cache read. A bound kept when fewer clocks ran walks every running
    clock, as it says.
    """
    key = f"web:inbox:walk-bound:{walked}"
    kept = cache.get(key)
    if kept is None:
        clocks = Deadline.objects.filter(**RUNNING).order_by("due_at", "id")
        kept = list(clocks.values_list("due_at", flat=True)[walked - 1 : walked])
        cache.set(key, kept, WALK_BOUND_TTL)
    return kept
