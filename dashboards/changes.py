"""Which cases changed since a refresh: the change feed of the dashboard facts.

Every change to a case appends a timeline event, so the cases changed since
a `RefreshMark` are those with events newer than the newest the mark saw.
A transaction still open at the last refresh commits its events later with
older ids, so recent events a little older are read again too: back MARGIN
in time, within LAG_IDS ids of the mark (the primary key bounds the scan; a
transaction that old would have had to outlive ten thousand other events).
"""

from datetime import datetime, timedelta

from django.db.models import Max, Q, QuerySet

from complaints.models import Event, EventKind

from .models import RefreshMark

MARK = "facts"
ROLLED = "months"  # the rollup's own mark (`dashboards.months`)
# The events that change what a case's offers, follow-ups and skips count.
ITEM_EVENTS = [
    kind
    for kind in EventKind.values
    if kind.startswith(("offer_", "followup")) or kind == EventKind.STAGE_CHANGED
]
MARGIN = timedelta(minutes=10)
LAG_IDS = 10_000


def latest_event_id() -> int:
    """The newest timeline event's id (0 for none)."""
    return Event.objects.aggregate(latest=Max("pk"))["latest"] or 0


def changed_case_ids(mark: RefreshMark, now: datetime, *kinds: str) -> QuerySet:
    """The ids of the cases changed since `mark` (a values queryset); only by
    events of `kinds`, if given."""
    seen = mark.event_id or 0
    since = min(mark.at, now) - MARGIN
    return (
        Event.objects.filter(
            Q(pk__gt=seen) | Q(pk__gt=seen - LAG_IDS, created_at__gte=since)
        )
        .filter(Q(kind__in=kinds) if kinds else Q())
        .order_by()
        .values_list("case_id", flat=True)
        .distinct()
    )


def facts_as_of() -> datetime | None:
    """When the facts and the rollup were last refreshed (None: either never,
    e.g. the rollup just after a migration reshaped it)."""
    marks = RefreshMark.objects.filter(name__in=(MARK, ROLLED))
    found = [at for (at,) in marks.values_list("at")]
    return min(found) if len(found) == 2 else None
