"""Which cases changed since a refresh: the change feed of the dashboard facts.

Every change to a case appends a timeline event, so the cases changed since
a `RefreshMark` are those of the events it has not seen: newer than its
`event_id`, or among its `pending` ids. An event's id is taken when it is
written but seen only once its transaction commits, so a transaction still
open at a refresh can commit an older id after a newer one was read. On
PostgreSQL a refresh keeps the ids it did not see below the newest it read
(`pending`: [id, horizon]) and looks for them again each time, until they
appear or every transaction that could still commit them has ended: the
next refresh sets their horizon (the xid its snapshot would give the next
transaction), and once the oldest transaction running is at or past it, an
id still missing was rolled back. So each event is read once and nothing
else is read again. SQLite commits one write transaction at a time, so its
ids appear in order and the newest seen is enough.

Only the kinds that can change a fact are followed: `IDLE` lists those that
change nothing a fact reads (reminders, warnings, attachments, holds …).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Max, Q

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
# The events that change nothing a fact reads (no case field, SLA clock,
# escalation, message, offer, follow-up or sibling case).
IDLE = frozenset(
    {
        *(EventKind.SLA_WARNING, EventKind.SLA_BREACHED, EventKind.LINKS_REVOKED),
        *(EventKind.STATUTORY_WARNING, EventKind.STATUTORY_BREACHED),
        *(EventKind.ATTACHMENT_ADDED, EventKind.ATTACHMENT_SCANNED),
        *(EventKind.PROMISE_MADE, EventKind.PROMISE_KEPT),
        *(EventKind.PROMISE_REMINDED, EventKind.PROMISE_BROKEN),
        *(EventKind.DUPLICATE_SUSPECTED, EventKind.DUPLICATE_CLEARED),
        *(EventKind.LEGAL_HOLD_PLACED, EventKind.LEGAL_HOLD_LIFTED),
        *(EventKind.SUBJECT_ACCESS_EXPORTED, EventKind.CONSENT_CHANGED),
        *(EventKind.VULNERABILITY_RECORDED, EventKind.REPRESENTATIVE_RECORDED),
        *(EventKind.LETTER_APPROVAL_REQUESTED, EventKind.LETTER_APPROVED),
        *(EventKind.LETTER_APPROVAL_REFUSED, EventKind.FOLLOWUP_REMINDER_SENT),
        *(EventKind.INCIDENT_LINKED, EventKind.INCIDENT_CLOSED),
        EventKind.PROBLEM_LINKED,
    }
)
# How far back a refresh without a mark of its own (a rebuild) looks for ids
# still in flight: a transaction open that long would have to outlive ten
# thousand other events.
LAG_IDS = 10_000
MARGIN = timedelta(minutes=10)  # (the margin of the time-based feed before)
# The advisory lock of the one writer of the facts and the rollup.
WRITER = 0x64617368  # "dash"


@dataclass
class Feed:
    """What a refresh reads from the change feed, and the mark it leaves."""

    cases: set[int] = field(default_factory=set)  # changed by any fact event
    items: set[int] = field(default_factory=set)  # by an item event
    event_id: int = 0
    pending: list[list] = field(default_factory=list)


@contextmanager
def one_writer(*, wait: bool) -> Iterator[bool]:
    """Whether this process is the one writer of the facts and the rollup:
    with `wait`, once any other has finished; else at once or not at all.

    A writer adds to the rollup what its cases count after less what they
    counted before: two at once could add the same difference twice. On
    PostgreSQL a session advisory lock (released with the connection if
    the process dies); SQLite writes one transaction at a time.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s)", [WRITER])
            mine = True
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [WRITER])
            (mine,) = cursor.fetchone()
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [WRITER])


def latest_event_id() -> int:
    """The newest timeline event's id (0 for none)."""
    return Event.objects.aggregate(latest=Max("pk"))["latest"] or 0


def feed_read(mark: RefreshMark | None) -> Feed:
    """The cases of the fact events not seen by `mark` (None: only the mark a
    refresh from now would leave, looking LAG_IDS back for ids in flight)."""
    if mark is None:
        seen, pending = max(0, latest_event_id() - LAG_IDS), []
    else:
        seen, pending = mark.event_id or 0, mark.pending or []
    oldest, horizon = _snapshot()
    waiting = {pk for pk, _ in pending}
    rows = Event.objects.filter(Q(pk__gt=seen) | Q(pk__in=waiting)).order_by()
    found = Feed(event_id=seen)
    ids = set()
    for pk, case_id, kind in rows.values_list("pk", "case_id", "kind"):
        ids.add(pk)
        if mark is not None and kind not in IDLE:
            found.cases.add(case_id)
            if kind in ITEM_EVENTS:
                found.items.add(case_id)
    found.event_id = max(ids | {seen})
    if horizon is None:  # SQLite: ids commit in order
        return found
    for pk, since in pending:
        if pk not in ids and (since is None or oldest < since):
            found.pending.append([pk, since if since is not None else horizon])
    # (A rebuild looks for gaps from the oldest id it read: those below it
    # are older than LAG_IDS ids, or of a database emptied since.)
    low = seen if mark is not None else min(ids | {found.event_id})
    found.pending += [[pk, None] for pk in _gaps(low, ids)]
    return found


def _gaps(seen: int, ids: set[int]) -> list[int]:
    """The ids after `seen` and below the newest of `ids` that are not in it;
    of a longer run only its last LAG_IDS: no transactions hold more ids at
    once, so the rest of such a run is a jump of the sequence (setval, a
    restore), and ids taken just after the jump may still be in flight."""
    newer = sorted(pk for pk in ids if pk > seen)
    found, last = [], seen
    for pk in newer:
        found.extend(range(max(last + 1, pk - LAG_IDS), pk))
        last = pk
    return found


def _snapshot() -> tuple[int | None, int | None]:
    """(The oldest transaction still running, the next one to start) on
    PostgreSQL; (None, None) elsewhere."""
    if connection.vendor != "postgresql":
        return None, None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_snapshot_xmin(s)::text::bigint,"
            " pg_snapshot_xmax(s)::text::bigint FROM pg_current_snapshot() s"
        )
        oldest, horizon = cursor.fetchone()
    return oldest, horizon


def feed_mark(feed: Feed, now: datetime) -> None:
    """Record that the facts are refreshed as of `now`, up to `feed`."""
    RefreshMark.objects.update_or_create(
        name=MARK,
        defaults={"at": now, "event_id": feed.event_id, "pending": feed.pending},
    )


def facts_as_of() -> datetime | None:
    """When the facts and the rollup were last refreshed (None: either never,
    e.g. the rollup just after a migration reshaped it)."""
    marks = RefreshMark.objects.filter(name__in=(MARK, ROLLED))
    found = [at for (at,) in marks.values_list("at")]
    return min(found) if len(found) == 2 else None
