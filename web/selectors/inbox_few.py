"""A small queue read by its ids: counted, searched and sorted among them.

Due soon, Awaiting customer and Recently closed hold a few thousand cases at
1M, but their conditions (a clock in its warning window, a flag, a week of
closures) are found apart from the search: planned together, PostgreSQL
walked every open case testing a common word first (0.5 s to count Due soon,
1 s to sort it), or every case newest first to find the closed ones among
them. So a queue of at most `FEW` cases is first read as its ids (one query
on the queue's own index), and everything after reads those rows by key.
In the deadline order the ids are ordered by their next running clock, read
with them (by key, per case); a search is tested on all of them in one query.
"""

from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery

from complaints.models import Case
from complaints.search_index import in_ids, planner_settings
from sla.models import RUNNING, Deadline

# A queue of at most this many cases is read by its ids (at 20,000, Awaiting
# customer at 1M, a rare word cost 0.5 s among them: more than the old plan).
FEW = 10_000
# Ids tested against a common word first: its matches fill a page from them.
FIRST = 100


def few_ids(
    queue: QuerySet[Case], *, size: int | None = None, along_index: bool = False
) -> dict[int, tuple[datetime, datetime | None]] | None:
    """The ids of `queue`, each with its creation and its next running
    deadline (by key, along `deadline_running`), if it has at most `FEW`
    cases. `size`: its (cached) count if known, which spares a larger queue
    the attempt. `along_index`: read along the index of the queue's own
    condition, its other conditions tested row by row (Recently closed: a
    week of closures, whose bitmap PostgreSQL ANDed with those of a lead's
    teams and Triage, 400,000 entries at 1M: 45 ms rather than 8)."""
    if size is not None and size > FEW:
        return None
    if along_index:
        with planner_settings(enable_bitmapscan="off"):
            return few_ids(queue, size=size)
    next_due = Deadline.objects.filter(case_id=OuterRef("pk"), **RUNNING)
    rows = (
        queue.order_by()
        .annotate(next_due=Subquery(next_due.order_by("due_at").values("due_at")[:1]))
        .values_list("pk", "created_at", "next_due")[: FEW + 1]
    )
    few = {pk: (created, due) for pk, created, due in rows}
    return few if len(few) <= FEW else None


def newest_first(few: dict[int, tuple[datetime, datetime | None]]) -> list[int]:
    return sorted(few, key=lambda pk: few[pk][0], reverse=True)


def among_ids(ids: list[int]) -> QuerySet[Case]:
    """The cases of `ids` (`in_ids`)."""
    return Case.objects.filter(in_ids(ids)).order_by()


class ByNextDueAmong:
    """The ids of `cases` (all among `few`) in the deadline order of
    SORTS["due"]: the running deadline due first, then the cases with none,
    newest first. The order is made from their next clocks and creation
    times, in memory. With `hits` (the ids of `cases`, all of them) it is
    read from them; otherwise `cases` (a common word) is tested on the order
    a chunk at a time until a slice is filled: the first `FIRST` ids, then
    the rest in one query.
    """

    ordered = True

    def __init__(self, cases: QuerySet[Case], few: dict, hits: set | None = None):
        self.cases = cases
        self.few = few
        self.hits = hits
        self._order: list[int] | None = None
        self._tested = 0
        self._found: list[int] = []

    def order(self) -> list[int]:
        if self._order is None:
            newest = newest_first(self.few)
            if self.hits is not None:
                newest = [pk for pk in newest if pk in self.hits]
            due = {pk: self.few[pk][1] for pk in newest}
            timed = sorted((pk for pk in newest if due[pk]), key=due.__getitem__)
            self._order = timed + [pk for pk in newest if due[pk] is None]
        return self._order

    def __getitem__(self, key: slice) -> list[int]:
        if not isinstance(key, slice) or key.stop is None or key.step:
            raise TypeError("read by slices with an end")
        order = self.order()
        if self.hits is not None:
            return order[key]
        for bound in (min(FIRST, len(order)), len(order)):
            if len(self._found) >= key.stop:
                break
            if bound <= self._tested:
                continue
            chunk = order[self._tested : bound]
            tested = self.cases.filter(in_ids(chunk)).order_by()
            hits = set(tested.values_list("pk", flat=True))
            self._found += [pk for pk in chunk if pk in hits]
            self._tested = bound
        return self._found[key]

    def count(self) -> int:
        return len(self.hits) if self.hits is not None else self.cases.count()


def listed_among(
    cases: QuerySet[Case], few: dict, *, searched: bool, cap: int | None = None
) -> tuple[ByNextDueAmong, QuerySet]:
    """`cases` (among the small queue `few`) in the deadline order, and
    counted. Unsearched, `cases` are the ids of `few`. Searched, the text is
    tested on all the queue's ids in one query (read by key), stopping at
    `cap` + 1 matches: tested a chunk of ids at a time, then counted apart, a
    rare word cost three queries over the queue's ids (40 ms of Due soon's
    125 ms at 1M). A text matching more (a common word) is read a chunk at a
    time: its first ids fill a page; those `cap` + 1 are its count (capped).
    """
    if not searched:
        return ByNextDueAmong(cases, few, set(few)), among_ids(list(few)).values_list(
            "pk", flat=True
        )
    limit = FEW + 1 if cap is None else cap + 1
    hits = list(cases.order_by().values_list("pk", flat=True)[:limit])
    counted = among_ids(hits).values_list("pk", flat=True)
    if len(hits) < limit:  # all of them
        return ByNextDueAmong(cases, few, set(hits)), counted
    return ByNextDueAmong(cases, few), counted
