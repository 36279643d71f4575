"""The inbox: queues with counts, filters, search, sorting, one-click take."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from complaints.bounds import text_problem
from complaints.exceptions import DomainError, StaleVersion
from complaints.models import Category, Priority, Stage
from complaints.selectors import cases_visible_to
from notifications.selectors import notifications_for, unread_count
from teams.models import Role
from teams.selectors import role_of

from .. import forms
from ..deadlines import CalendarBook, calendar_id_of, due_label
from ..selectors.case_page import assignable_staff
from ..selectors.inbox import (
    QUEUE_KEYS,
    QUEUES,
    SORTS,
    InboxFilters,
    forget_counts,
    inbox_case_ids,
    inbox_counts_cached,
    inbox_rows,
    with_list_columns,
)

PAGE_SIZE = 25
NOTIFICATIONS = 5


def parse_filters(query: QueryDict, *, default_queue: str) -> InboxFilters:
    def as_int(name: str) -> int | None:
        value = query.get(name, "")
        return int(value) if value.isdigit() and len(value) < 12 else None

    queue = query.get("queue", default_queue)
    return InboxFilters(
        queue=queue if queue in QUEUE_KEYS else default_queue,
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
            spec=book.spec(calendar_id_of(case)),
        )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    filters = parse_filters(request.GET, default_queue="mine")
    # Text the database cannot take (a NUL, an unpaired surrogate) is a 400.
    search_error = text_problem(filters.q, None) or text_problem(filters.team, None)
    if search_error:
        filters = InboxFilters(queue=filters.queue, sort=filters.sort)
    counts = inbox_counts_cached(user=request.user, now=now)
    paginator = Paginator(
        inbox_case_ids(user=request.user, filters=filters, now=now), PAGE_SIZE
    )
    if filters == InboxFilters(queue=filters.queue, sort=filters.sort):
        # Unfiltered, the queue's size is its (briefly cached) badge count.
        paginator.count = counts[filters.queue]
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = inbox_rows(list(page.object_list))
    decorate(page.object_list, now)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "queues": QUEUES,
        "counts": counts,
        "filters": filters,
        "search_error": search_error,
        "page": page,
        "sorts": {k: label for k, (label, _) in SORTS.items()},
        "stages": Stage.choices,
        "priorities": Priority.choices,
        "categories": list(Category.objects.filter(active=True)),
        "query": params.urlencode(),
        "is_staff_member": role_of(request.user) is not None,
        **_assign_context(request.user),
        "unread": unread_count(request.user),
        "notifications": list(
            notifications_for(request.user, unread_only=True)[:NOTIFICATIONS]
        ),
    }
    return render(
        request, "web/inbox.html", context, status=400 if search_error else 200
    )


def row_response(
    request: HttpRequest, case, form: forms.VersionedForm, call
) -> HttpResponse:
    """Run a take/assign `call` and answer with the case's refreshed row (htmx)."""
    error = ""
    if not form.is_valid():
        error = "The page is out of date; reload it."
    else:
        try:
            call(form.cleaned_data)
        except StaleVersion:
            error = "Someone else changed this case first; reload to see who has it."
        except DomainError as exc:
            error = exc.detail
        else:
            forget_counts(request.user)
    row = with_list_columns(cases_visible_to(request.user).filter(pk=case.pk)).first()
    decorate([row], timezone.now())
    return render(
        request,
        "web/_inbox_row.html",
        {
            "case": row,
            "row_error": error,
            "just_taken": not error,
            **_assign_context(request.user),
        },
    )


def _assign_context(user) -> dict:
    """Who a lead or manager may hand cases to from the inbox (one query)."""
    if role_of(user) not in (Role.TEAM_LEAD, Role.MANAGER):
        return {"may_assign_others": False, "assignable": []}
    return {
        "may_assign_others": True,
        "assignable": list(assignable_staff(case=None, user=user)[:200]),
    }
