"""The inbox: queues with counts, filters, search, sorting, one-click take."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from complaints.bounds import text_problem
from complaints.bulk import BulkAction
from complaints.exceptions import DomainError, StaleVersion
from complaints.models import Category, Priority, Stage
from complaints.search_index import without_jit
from complaints.selectors import assignable_users_by_team, cases_visible_to
from config.numbers import whole_number
from notifications.selectors import notifications_for
from sla.services import case_calendar_id
from teams.models import Team
from teams.selectors import is_lead_or_manager, role_of, team_ids_of

from .. import forms
from ..deadlines import CalendarBook, due_label
from ..paging import CappedPaginator
from ..saved_views import saved_views_for
from ..selectors.inbox import (
    QUEUE_KEYS,
    SORTS,
    InboxFilters,
    forget_counts,
    inbox_case_ids,
    inbox_counts_cached,
    inbox_rows,
    queues_for,
    with_list_columns,
)
from ..selectors.live import bell_stamp, etag_of, inbox_stamp

PAGE_SIZE = 25
# A searched queue is counted up to this many matches ("more than 500").
SEARCH_COUNT_CAP = 500
NOTIFICATIONS = 5


def parse_filters(
    query: QueryDict, *, default_queue: str, keys: set[str] = QUEUE_KEYS
) -> InboxFilters:
    def as_int(name: str) -> int | None:
        value = query.get(name, "")
        return whole_number(value, max_digits=11)

    queue = query.get("queue", default_queue)
    return InboxFilters(
        queue=queue if queue in keys else default_queue,
        stage=query.get("stage", ""),
        priority=query.get("priority", ""),
        category=as_int("category"),
        team=query.get("team", "").strip()[:100],
        customer=as_int("customer"),
        q=query.get("q", "").strip()[:100],
        sort=query.get("sort", "due") if query.get("sort") in SORTS else "due",
    )


def decorate(cases, now) -> None:
    """Attach the business-time deadline wording to each row."""
    book = CalendarBook()
    for case in cases:
        case.due = due_label(
            due_at=case.next_due_at,
            warn_at=case.next_warn_at,
            now=now,
            spec=book.spec(case_calendar_id(case)),
        )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    context, status = inbox_context(request)
    return render(request, "web/inbox.html", context, status=status)


def inbox_context(request: HttpRequest) -> tuple[dict, int]:
    """What the inbox shows, and its status (400 for a search it cannot take).

    Also the page's live-poll ETag (static/live.js), from the same stamp the
    poll compares, so a page that nothing has changed since polls to 304s.
    """
    now = timezone.now()
    stamp = inbox_stamp(request.user)
    queues = queues_for(request.user)
    filters = parse_filters(
        request.GET, default_queue="mine", keys={q.key for q in queues}
    )
    # Text the database cannot take (a NUL, an unpaired surrogate) is a 400.
    search_error = text_problem(filters.q, None) or text_problem(filters.team, None)
    if search_error:
        filters = InboxFilters(queue=filters.queue, sort=filters.sort)
    counts = inbox_counts_cached(user=request.user, now=now, stamp=stamp)
    ids = inbox_case_ids(
        user=request.user,
        filters=filters,
        now=now,
        size=counts.get(filters.queue),
        cap=SEARCH_COUNT_CAP,
    )
    if filters.q:
        # A common word matches most of a queue: count up to a cap, and plan
        # the count and the page without JIT (its estimate passes the bar).
        paginator = CappedPaginator(
            ids.listed, PAGE_SIZE, cap=SEARCH_COUNT_CAP, counted=ids.counted
        )
        with without_jit():
            page = paginator.get_page(request.GET.get("page"))
            listed = list(page.object_list)
    else:
        paginator = Paginator(ids.listed, PAGE_SIZE)
        if filters == InboxFilters(queue=filters.queue, sort=filters.sort):
            # Unfiltered, the queue's size is its (briefly cached) badge count.
            paginator.count = counts[filters.queue]
        else:  # counted without the order (nor the deadline it sorts by)
            paginator.count = ids.counted.count()
        page = paginator.get_page(request.GET.get("page"))
        listed = list(page.object_list)
    page.object_list = inbox_rows(listed)
    decorate(page.object_list, now)
    may_hand_on = is_lead_or_manager(request.user)
    if may_hand_on:
        attach_assignable(page.object_list)
    # The bell's count and newest unread: the header, the panel and the ETag.
    bell = bell_stamp(request.user)
    params = request.GET.copy()
    params.pop("page", None)
    unsorted = params.copy()
    unsorted.pop("sort", None)
    context = {
        "bulk_actions": BulkAction.choices,
        "bulk_assignees": _bulk_assignees(page.object_list) if may_hand_on else [],
        "queues": queues,
        "counts": counts,
        "filters": filters,
        "search_error": search_error,
        "page": page,
        "sorts": {k: label for k, (label, _) in SORTS.items()},
        "stages": Stage.choices,
        "priorities": Priority.choices,
        "categories": list(Category.objects.filter(active=True)),
        "query": params.urlencode(),
        "unsorted_query": unsorted.urlencode(),
        "saved_views": list(saved_views_for(request.user)),
        "my_teams": list(Team.objects.filter(pk__in=team_ids_of(request.user))),
        "is_staff_member": role_of(request.user) is not None,
        "may_assign_others": may_hand_on,
        "teams": list(Team.objects.all()) if may_hand_on else [],
        "unread": bell[0],
        "notifications": list(
            notifications_for(request.user, unread_only=True)[:NOTIFICATIONS]
        )
        if bell[0]
        else [],
        "live_etag": inbox_etag(request, stamp=stamp, counts=counts, bell=bell),
    }
    return context, 400 if search_error else 200


def inbox_etag(
    request: HttpRequest, *, stamp: tuple, counts: dict, bell: tuple | None = None
) -> str:
    """The inbox poll's ETag: the visible cases' stamp, the badges, the bell
    (`bell`: its `bell_stamp`, if read already)."""
    return etag_of(
        "inbox",
        request.user.pk,
        request.GET.urlencode(),
        stamp,
        sorted(counts.items()),
        bell_stamp(request.user) if bell is None else bell,
    )


def _bulk_assignees(cases) -> list:
    """Everyone who may take at least one case of the page, by name."""
    people = {s.pk: s for case in cases for s in case.assignable}
    return sorted(people.values(), key=lambda s: s.get_username())


def attach_assignable(cases) -> None:
    """Give each row `assignable`: who may take that case (two queries in all;
    none for no rows)."""
    if not cases:
        return
    offered = assignable_users_by_team({case.team_id for case in cases})
    for case in cases:
        case.assignable = offered[case.team_id]


def row_response(
    request: HttpRequest, case, form: forms.VersionedForm, call
) -> HttpResponse:
    """Run a take/assign/route `call` and answer with the case's refreshed row (htmx).

    A case that left what the user may see (routed or handed to another team)
    answers with a one-line row saying so.
    """
    error = ""
    if not form.is_valid():
        error = gettext("The page is out of date; reload it.")
    else:
        try:
            call(form.cleaned_data)
        except StaleVersion:
            error = gettext(
                "Someone else changed this case first; reload to see who has it."
            )
        except DomainError as exc:
            error = exc.detail
        else:
            forget_counts(request.user)
    row = with_list_columns(cases_visible_to(request.user).filter(pk=case.pk)).first()
    if row is None:
        return render(request, "web/_inbox_row_gone.html", {"case": case})
    decorate([row], timezone.now())
    may_hand_on = is_lead_or_manager(request.user)
    if may_hand_on:
        attach_assignable([row])
    return render(
        request,
        "web/_inbox_row.html",
        {
            "case": row,
            "row_error": error,
            "just_taken": not error,
            "may_assign_others": may_hand_on,
            "teams": list(Team.objects.all()) if may_hand_on else [],
        },
    )
