"""Paging a list whose size is counted only up to a cap (a searched inbox)."""

from math import ceil

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Capped, there is no page total to clamp a page number to: beyond this many
# pages a number is past the end (and never an OFFSET past the database's).
MAX_PAGES = 10_000


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows; beyond `cap`, pages by next/previous only.

    A common word matches most of a queue (200,000 cases at 1M): counting
    them all cost a second. Over the cap, `capped` is true, the count is
    `cap` + 1 and every page reads one row more than it shows to know whether
    a next page exists; there is no page total.
    """

    def __init__(self, object_list, per_page, *, cap: int, counted=None):
        super().__init__(object_list, per_page)
        self.cap = cap
        self.counted = object_list if counted is None else counted

    @cached_property
    def count(self) -> int:
        # Unordered: the count needs no sort (nor the sort's deadline lookup).
        # `counted`: the same rows as a plain query, when the list is not one.
        return self.counted.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        # Capped, the pages the cap covers (where `get_page` lands a page past
        # the end); a page beyond them is still served.
        return (
            super().num_pages if not self.capped else ceil(self.count / self.per_page)
        )

    def validate_number(self, number) -> int:
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > MAX_PAGES:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number) -> Page:
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(
            rows[: self.per_page], number, self, more=len(rows) > self.per_page
        )


class CappedPage(Page):
    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more


class Concatenation:
    """Ordered querysets' rows one after another, as one list to page.

    A slice is one query: a UNION ALL of the parts, each read only up to the
    slice's end (its own LIMIT), then cut to the slice. Limited only outside,
    PostgreSQL plans each part for all of its rows (a searched queue's
    matches sorted whole: 100 ms at 100,000 cases); limited each, it walks
    each part's index in its order and stops (0.2 ms).
    """

    ordered = True  # by construction: each part is ordered

    def __init__(self, *parts: QuerySet):
        self.parts = parts

    def __getitem__(self, key: slice) -> QuerySet:
        if not isinstance(key, slice) or key.stop is None or key.step:
            raise TypeError("a Concatenation is read by slices with an end")
        first, *others = (part[: key.stop] for part in self.parts)
        return first.union(*others, all=True)[key]

    def count(self) -> int:
        return sum(part.count() for part in self.parts)
