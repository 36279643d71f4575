"""The inbox: queues of cases with their counts, filters, search and sorting."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils.translation import gettext_lazy as _

from complaints.lifecycle.approvals import awaiting_approval_by_q
from complaints.models import OPEN_STAGES, Case, Offer, OfferStatus, Priority, Stage
from complaints.search import cases_matching, staff_search
from complaints.search_index import in_ids
from complaints.selectors import cases_visible_to
from customers.models import Customer
from customers.selectors import vulnerable_customer_q
from regimes.four_eyes import letters_awaiting_approval_by_q
from regimes.models import ApprovalStatus, LetterApproval
from service_recovery.selectors import promises_due
from sla.selectors import due_soon_q, overdue_q
from teams.selectors import is_lead_or_manager

from ..paging import Concatenation
from .inbox_due import DUE_ORDER, ByNextDue
from .inbox_due import next_due as _next_due
from .inbox_few import (
    among_ids,
    few_ids,
    listed_among,
    newest_first,
    searched_among,
)
from .inbox_priority import by_priority
from .inbox_priority import priority_rank as _priority_rank

RECENTLY_CLOSED = timedelta(days=7)
PROMISES_AHEAD = timedelta(days=1)


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    hint: str


QUEUES: tuple[Queue, ...] = (
    Queue("mine", _("Mine"), _("Open cases assigned to you")),
    Queue(
        "unassigned", _("Unassigned"), _("Open cases in your teams nobody has taken")
    ),
    Queue("triage", _("Triage"), _("Open cases with no team yet: route them to one")),
    Queue(
        "approvals",
        _("Approvals"),
        _("Offers above the limit and letters waiting for your approval"),
    ),
    Queue("due_soon", _("Due soon"), _("A deadline is close (past its warning point)")),
    Queue("overdue", _("Overdue"), _("A deadline has passed")),
    Queue("escalated", _("Escalated"), _("Raised to a team lead or a manager")),
    Queue(
        "awaiting", _("Awaiting customer"), _("Waiting on the customer; clock paused")
    ),
    Queue(
        "promises", _("Promises due"), _("Your promises not kept yet, due within a day")
    ),
    Queue("closed", _("Recently closed"), _("Closed in the last 7 days")),
    Queue("all", _("All open"), _("Every open case you can see")),
)
QUEUE_KEYS = {q.key for q in QUEUES}
LEADS_ONLY = {"triage", "approvals"}


def queues_for(user) -> tuple[Queue, ...]:
    """The queues `user` works from: Triage and Approvals only for leads and managers."""
    if is_lead_or_manager(user):
        return QUEUES
    return tuple(q for q in QUEUES if q.key not in LEADS_ONLY)


SORTS: dict[str, tuple[str, tuple]] = {
    "due": (
        _("Deadline"),
        DUE_ORDER,
    ),
    "newest": (_("Newest"), ("-created_at", "-id")),
    "oldest": (_("Oldest"), ("created_at", "id")),
    "priority": (_("Most urgent"), ("-priority_rank", "-created_at")),
    "updated": (_("Last updated"), ("-updated_at", "-id")),
    "reference": (_("Reference"), ("reference",)),
}


def queue_q(key: str, *, user, now: datetime) -> Q:
    """The filter of one queue (an unknown key means every open case)."""
    open_ = Q(stage__in=OPEN_STAGES)
    if key == "mine":
        return open_ & Q(assignee_id=user.pk)
    if key == "unassigned":  # Triage has its own queue
        return open_ & Q(assignee__isnull=True, team__isnull=False)
    if key == "triage":
        return open_ & Q(team__isnull=True)
    if key == "approvals":
        return (
            open_
            & _held_for_approval()
            & (awaiting_approval_by_q(user) | letters_awaiting_approval_by_q(user))
        )
    if key == "due_soon":
        return open_ & due_soon_q(now)
    if key == "overdue":
        return open_ & overdue_q(now)
    if key == "escalated":
        return open_ & Q(escalation_level__gt=0)
    if key == "awaiting":
        return open_ & Q(awaiting_customer=True)
    if key == "closed":
        return Q(stage=Stage.CLOSED, closed_at__gte=now - RECENTLY_CLOSED)
    if key == "promises":
        due = promises_due(user, before=now + PROMISES_AHEAD)
        return open_ & Q(Exists(due.filter(case_id=OuterRef("pk"))))
    return open_


def _held_for_approval() -> Q:
    """Cases holding an offer or a letter pending approval, read first (a few):
    only a bound on Approvals, whose rule is the Qs above. Their OR of two
    EXISTS was tested on every open case (0.3 s at 1M)."""
    offers = Offer.objects.filter(status=OfferStatus.PENDING_APPROVAL)
    letters = LetterApproval.objects.filter(status=ApprovalStatus.PENDING)
    held = {*offers.values_list("case_id", flat=True)}
    return in_ids([*held, *letters.values_list("case_id", flat=True)])


COUNTS_TTL = 30  # seconds; the badges may lag others' changes by this much


def counts_key(user) -> str:
    return f"web:inbox-counts:v2:{user.pk}"  # v2: (stamp, counts)


def inbox_counts_cached(*, user, now: datetime, stamp: object = None) -> dict[str, int]:
    """The queue counts, cached briefly per user (the list itself is always live).

    Counting the deadline queues touches every open case the user can see;
    the badges need not be exact to the second, so they are kept for
    COUNTS_TTL seconds, and dropped at once when the user changes a case.
    With `stamp` (web.selectors.live.inbox_stamp), counts made under another
    stamp are counted again: someone else's change moves the badges too.
    """
    cached = cache.get(counts_key(user))
    if cached is None or (stamp is not None and cached[0] != stamp):
        cached = (stamp, inbox_counts(user=user, now=now))
        cache.set(counts_key(user), cached, COUNTS_TTL)
    return cached[1]


def forget_counts(user) -> None:
    """Drop the user's cached counts after they changed a case."""
    cache.delete(counts_key(user))


def inbox_counts(*, user, now: datetime) -> dict[str, int]:
    """Count every queue: one small query each (a fixed number, whatever the data).

    One query with a FILTER per queue looks cheaper but makes PostgreSQL run
    the deadline EXISTS checks row by row over every visible case; separate
    counts let it use the indexes and semi-joins.
    """
    visible = cases_visible_to(user)
    return {
        q.key: visible.filter(queue_q(q.key, user=user, now=now)).count()
        for q in queues_for(user)
    }


@dataclass(frozen=True)
class InboxFilters:
    queue: str = "mine"
    stage: str = ""
    priority: str = ""
    category: int | None = None
    team: str = ""
    customer: int | None = None
    q: str = ""
    sort: str = "due"


@dataclass(frozen=True)
class InboxIds:
    """One queue's case ids: `listed` in the list's order (slice it for a
    page), `counted` the same cases unordered (count them)."""

    listed: "QuerySet | Concatenation | ByNextDue"
    counted: QuerySet


def inbox_case_ids(
    *,
    user,
    filters: InboxFilters,
    now: datetime,
    size: int | None = None,
    cap: int | None = None,
) -> InboxIds:
    """The ids of one queue's cases, filtered, searched and sorted.

    Page these first, then load the page's rows with `inbox_rows`: sorting
    thousands of bare ids is cheap, joining thousands of full rows is not.
    In the deadline order a small queue is read by its ids (`inbox_few`);
    `size` is the queue's (cached) count, if known; `cap`: a search's count
    is needed only up to `cap` + 1 (`counted` may hold no more).
    """
    sort = filters.sort if filters.sort in SORTS else "due"
    cases = cases_visible_to(user).filter(queue_q(filters.queue, user=user, now=now))
    if filters.stage in Stage.values:
        cases = cases.filter(stage=filters.stage)
    if filters.priority in Priority.values:
        cases = cases.filter(priority=filters.priority)
    if filters.category:
        cases = cases.filter(category_id=filters.category)
    if filters.team:
        cases = cases.filter(team__slug=filters.team)
    if filters.customer:
        cases = cases.filter(customer_id=filters.customer)
    few = None
    if connection.vendor == "postgresql" and sort == "due":
        few = few_ids(cases, size=size, along_index=filters.queue == "closed")
    match = staff_search(filters.q, user=user) if few is not None else None
    if match is not None:  # a small queue walked in its order, chunk by chunk
        listed, counted = searched_among(few, match, cap=cap)
        return InboxIds(listed=listed, counted=counted)
    cases = cases if few is None else among_ids(list(few))
    queue = cases
    if filters.q:
        newest = None if few is None else newest_first(few)
        cases = cases_matching(cases, filters.q, user=user, newest=newest)
    counted = cases.order_by().values_list("pk", flat=True)
    if few is not None:
        listed, counted = listed_among(cases, few, searched=bool(filters.q), cap=cap)
        return InboxIds(listed=listed, counted=counted)
    # Walked along indexes of open cases and running clocks: not Recently
    # closed (a week of closures, sorted in a few milliseconds).
    if (
        sort in WALKED
        and filters.queue != "closed"
        and connection.vendor == "postgresql"
    ):
        if sort == "due":
            listed = ByNextDue(cases, size=size, queue=queue)
        else:
            listed = by_priority(cases)
        return InboxIds(listed=listed, counted=counted)
    if sort == "due":
        cases = cases.annotate(next_due_at=_next_due("due_at"))
    elif sort == "priority":
        cases = cases.annotate(priority_rank=_priority_rank())
    listed = cases.order_by(*SORTS[sort][1]).values_list("pk", flat=True)
    return InboxIds(listed=listed, counted=counted)


# The orders read part by part (see `Concatenation`); the others are columns
# the cases' indexes hold in order.
WALKED = {"due": ByNextDue, "priority": by_priority}


def inbox_rows(ids: list[int]) -> list[Case]:
    """Load the listed cases with their columns, in the order of `ids`."""
    rows = {c.pk: c for c in with_list_columns(Case.objects.filter(pk__in=ids))}
    return [rows[pk] for pk in ids if pk in rows]


def with_list_columns(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Join and annotate what a row of the list shows (no per-row queries)."""
    return cases.select_related(
        "customer", "category", "assignee", "team", "sla_policy"
    ).annotate(
        next_due_at=_next_due("due_at"),
        next_warn_at=_next_due("warn_at"),
        next_due_kind=_next_due("kind"),
        vulnerable=Exists(
            Customer.objects.filter(vulnerable_customer_q(), pk=OuterRef("customer_id"))
        ),
    )
