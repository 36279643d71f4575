"""The inbox's priority order, read rank by rank."""

from django.db.models import Case as When_
from django.db.models import IntegerField, QuerySet, Value, When

from complaints.models import Case, Priority

from ..paging import Concatenation

PRIORITY_RANK = {
    Priority.LOW: 0,
    Priority.NORMAL: 1,
    Priority.HIGH: 2,
    Priority.URGENT: 3,
}


def by_priority(cases: QuerySet[Case]) -> Concatenation:
    """The ids of `cases` in the priority order, read in that order (PostgreSQL).

    The order of SORTS["priority"], as one part per rank (urgent, high,
    normal, then the rest), each newest first along the index
    `case_open_priority`: sorting by the rank's CASE expression sorted every
    match of a common word (0.5 s at 1M cases).
    """
    ranked = sorted(PRIORITY_RANK, key=PRIORITY_RANK.__getitem__, reverse=True)
    parts = [cases.filter(priority=p) for p in ranked[:-1]]
    parts.append(cases.exclude(priority__in=ranked[:-1]))  # rank 0: low, unknown
    return Concatenation(
        *(part.order_by("-created_at").values_list("pk", flat=True) for part in parts)
    )


def priority_rank() -> When_:
    return When_(
        *(When(priority=p, then=Value(r)) for p, r in PRIORITY_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
