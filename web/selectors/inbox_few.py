"""A small queue read by its ids: counted, searched and sorted among them.

Due soon, Awaiting customer and Recently closed hold a few thousand cases at
1M, but their conditions (a clock in its warning window, a flag, a week of
closures) are found apart from the search: planned together, PostgreSQL
walked every open case testing a common word first (0.5 s to count Due soon,
1 s to sort it), or every case newest first to find the closed ones among
them. So a queue of at most `FEW` cases is first read as its ids (one query
on the queue's own index), and everything after reads those rows by key.
In the deadline order the ids are ordered by their next running clock, read
with them (by key, per case). A staff search walks them in that order,
testing the text on a chunk of ids at a time and stopping once it has what
the page and the capped count need (`searched_among`); a rare text is read
from its indexes instead (`matching_by_index`).
"""

from datetime import datetime
from math import ceil

from django.db.models import Min, Q, QuerySet

from complaints.models import Case
from complaints.search_index import (
    COMMON,
    PROBE,
    among,
    any_of,
    in_ids,
    matching_by_index,
    planner_settings,
)
from sla.models import RUNNING, Deadline

# A queue of at most this many cases is read by its ids (at 20,000, Awaiting
# customer at 1M, a rare word cost 0.5 s among them: more than the old plan).
FEW = 10_000
# Ids tested against a common word first: its matches fill a page from them.
FIRST = 100
# A searched walk's next chunk is at most this many times the ids tested so
# far, and sized by the share of them that matched to what is still wanted
# (with this margin).
CHUNK_GROWTH, MARGIN = 10, 1.2


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
    rows = queue.order_by().values_list("pk", "created_at")[: FEW + 1]
    created = dict(rows)
    if len(created) > FEW:
        return None
    return {pk: (at, due) for pk, at, due in _with_next_due(created)}


def _with_next_due(created: dict[int, datetime]):
    """Each id of `created` with its creation and its next running deadline.

    The running clocks of those cases, read by key (index `deadline_running`)
    in one grouped query: as a subquery per case beside the queue's own
    query, each case was looked up apart (6,960 for Due soon at 1M: 35 ms,
    the grouped read 5).
    """
    if not created:
        return ()
    clocks = Deadline.objects.filter(among("case_id", list(created)), **RUNNING)
    due = dict(
        clocks.order_by()
        .values("case_id")
        .annotate(next_due=Min("due_at"))
        .values_list("case_id", "next_due")
    )
    return ((pk, at, due.get(pk)) for pk, at in created.items())


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
            order = deadline_order(self.few)
            if self.hits is not None:
                order = [pk for pk in order if pk in self.hits]
            self._order = order
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


def deadline_order(few: dict[int, tuple[datetime, datetime | None]]) -> list[int]:
    """The ids of `few` in the order of SORTS["due"]: the running deadline due
    first (ties newest first), then the cases with none, newest first."""
    newest = newest_first(few)
    timed = sorted((pk for pk in newest if few[pk][1]), key=lambda pk: few[pk][1])
    return timed + [pk for pk in newest if few[pk][1] is None]


class SearchedAmong:
    """The ids of a small queue (`order`, in the deadline order) that match a
    staff search (`match`, `complaints.search.staff_match`), in that order.

    Read as the page and the count need them: the first `FIRST` ids are
    tested in one query (by key), then chunks sized by the share that
    matched, at most `CHUNK_GROWTH` times the ids tested so far, until enough
    matched. Fewer matches than a common text's share (`COMMON` in `PROBE`)
    make the text rare: its matches among the ids are read from its indexes
    at once (testing every id by key cost 0.5 s for 20,000 at 1M cases).
    """

    ordered = True

    def __init__(self, order: list[int], match: list[Q]):
        self.order = order
        self.match = match
        self._found: list[int] = []
        self._tested = 0

    def __getitem__(self, key: slice) -> list[int]:
        if not isinstance(key, slice) or key.stop is None or key.step:
            raise TypeError("read by slices with an end")
        self.walk(key.stop)
        return self._found[key]

    def count(self) -> int:
        self.walk(len(self.order))
        return len(self._found)

    def walk(self, wanted: int) -> list[int]:
        """Test ids until `wanted` matched or every id was; the matches so far."""
        while len(self._found) < wanted and self._tested < len(self.order):
            found, tested = len(self._found), self._tested
            if tested >= FIRST and found * PROBE < tested * COMMON:
                self._read_by_index()
                break
            if not tested:
                bound = FIRST
            else:
                guess = ceil((wanted - found) * tested / max(found, 1) * MARGIN)
                bound = tested + min(max(guess, FIRST), tested * (CHUNK_GROWTH - 1))
            chunk = self.order[tested:bound]
            cases = Case.objects.filter(in_ids(chunk)).filter(any_of(self.match))
            hits = set(cases.order_by().values_list("pk", flat=True))
            self._found += [pk for pk in chunk if pk in hits]
            self._tested = tested + len(chunk)
        return self._found

    def _read_by_index(self) -> None:
        rest = self.order[self._tested :]
        hits = set(matching_by_index(self.match, among_ids=rest, limit=len(rest)))
        self._found += [pk for pk in rest if pk in hits]
        self._tested = len(self.order)


def searched_among(
    few: dict, match: list[Q], *, cap: int | None = None
) -> tuple[SearchedAmong, QuerySet]:
    """The cases of the small queue `few` matching a staff search (`match`) in
    the deadline order, and the same ids to count: the walk goes on to `cap`
    + 1 matches (the count's cap; every one without a cap), whose ids are
    then counted by key."""
    listed = SearchedAmong(deadline_order(few), match)
    wanted = len(few) if cap is None else cap + 1
    counted = among_ids(listed.walk(wanted)).values_list("pk", flat=True)
    return listed, counted
