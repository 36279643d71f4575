"""A small queue read by its ids: counted, searched and sorted among them.

Due soon, Awaiting customer and Recently closed hold a few thousand cases at
1M, but their conditions (a clock in its warning window, a flag, a week of
closures) are found apart from the search: planned together, PostgreSQL
walked every open case testing a common word first (0.5 s to count Due soon,
1 s to sort it), or every case newest first to find the closed ones among
them. So a queue of at most `FEW` cases is first read as its ids (one query
on the queue's own index), and everything after reads those rows by key.
In the deadline order the ids are ordered by their next running clock first
(their clocks read by key), and the search is tested only on as many of them,
in that order, as the page needs.
"""

from datetime import datetime
from itertools import accumulate

from django.db.models import QuerySet

from complaints.models import Case
from complaints.search_index import among, keys
from sla.models import Deadline

# A queue of at most this many cases is read by its ids.
FEW = 25_000
# Ids tested against the search per query, growing (most of a common word's
# first chunk matches; a rare word's matches are found in a few queries).
CHUNKS = (100, 400, 1600, 6400)

RUNNING = {
    "met_at__isnull": True,
    "cancelled_at__isnull": True,
    "paused_at__isnull": True,
}


def few_ids(
    queue: QuerySet[Case], *, size: int | None = None
) -> dict[int, datetime] | None:
    """The ids of `queue` with their creation times, if it has at most `FEW`
    cases. `size`: its (cached) count if known, which spares a larger queue
    the attempt."""
    if size is not None and size > FEW:
        return None
    rows = list(queue.order_by().values_list("pk", "created_at")[: FEW + 1])
    return dict(rows) if len(rows) <= FEW else None


def among_ids(ids: list[int]) -> QuerySet[Case]:
    """The cases of `ids`, read by key (`keys`: one array the planner reads
    row by row, never weighing each id)."""
    return Case.objects.filter(keys(ids)).order_by()


class ByNextDueAmong:
    """The ids of `cases` (all among `ids`) in the deadline order of
    SORTS["due"]: the running deadline due first, then the cases with none,
    newest first. The order of `ids` is made from their clocks and creation
    times; `cases` (their search and filters) is tested on them in that order,
    a chunk at a time, until a slice is filled.
    """

    ordered = True

    def __init__(self, cases: QuerySet[Case], created: dict[int, datetime]):
        self.cases = cases
        self.created = created
        self._order: list[int] | None = None
        self._tested = 0
        self._found: list[int] = []

    def order(self) -> list[int]:
        if self._order is None:
            created = self.created
            due: dict[int, datetime] = {}
            clocks = Deadline.objects.filter(among("case_id", list(created)), **RUNNING)
            for case_id, at in clocks.order_by().values_list("case_id", "due_at"):
                if case_id not in due or at < due[case_id]:
                    due[case_id] = at
            newest = sorted(created, key=created.__getitem__, reverse=True)
            timed = sorted((pk for pk in newest if pk in due), key=due.__getitem__)
            self._order = timed + [pk for pk in newest if pk not in due]
        return self._order

    def __getitem__(self, key: slice) -> list[int]:
        if not isinstance(key, slice) or key.stop is None or key.step:
            raise TypeError("read by slices with an end")
        order = self.order()
        bounds = [b for b in accumulate(CHUNKS) if b < len(order)] + [len(order)]
        for bound in bounds:
            if len(self._found) >= key.stop:
                break
            if bound <= self._tested:
                continue
            chunk = order[self._tested : bound]
            tested = self.cases.filter(keys(chunk)).order_by()
            hits = set(tested.values_list("pk", flat=True))
            self._found += [pk for pk in chunk if pk in hits]
            self._tested = bound
        return self._found[key]

    def count(self) -> int:
        return self.cases.count()
