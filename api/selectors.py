"""Reads behind the API: scoped querysets with what each response needs loaded.

Every queryset starts from `complaints.selectors.cases_visible_to` (customers
from `customers.selectors.customers_visible_to`), so an object the caller may
not see is simply absent (404), and lists take a fixed number of queries
whatever the page size.
"""

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from complaints.models import OPEN_STAGES, Case, CloseReason, Event, EventKind, Offer
from complaints.selectors import cases_visible_to
from customers.models import Customer
from customers.selectors import customer_refs_all, customers_visible_to
from followups.models import FollowUp
from regimes.selectors import letters_brief

from .permissions import is_service_client

LIST_RELATED = (
    "customer",
    "category",
    "team",
    "assignee",
    "root_cause",
    "api_filing",
)


def api_cases(*, user) -> QuerySet[Case]:
    """Cases the caller may see, with the list's relations joined."""
    return cases_visible_to(user).select_related(*LIST_RELATED)


def api_case_detail(*, user) -> QuerySet[Case]:
    """Cases the caller may see, with deadlines, offers and follow-ups prefetched."""
    cases = api_cases(user=user).select_related(
        "customer__vulnerability", "customer__representative"
    )
    return cases.prefetch_related(
        "deadlines",
        "statutory_deadlines",
        Prefetch("letters", queryset=letters_brief()),
        Prefetch(
            "offers", queryset=Offer.objects.select_related("made_by", "approved_by")
        ),
        Prefetch("followups", queryset=FollowUp.objects.select_related("owner")),
    )


# Events about the customer's vulnerability or representative: staff only, as
# service clients never read more of the customer than they sent (CONTRACT §9).
STAFF_ONLY_EVENTS = (
    EventKind.VULNERABILITY_RECORDED,
    EventKind.REPRESENTATIVE_RECORDED,
)


def api_case_events(*, case: Case, user=None) -> QuerySet[Event]:
    events = Event.objects.filter(case=case).select_related("actor")
    if user is not None and is_service_client(user):
        events = events.exclude(kind__in=STAFF_ONLY_EVENTS)
    return events


def api_offers(*, user) -> QuerySet[Offer]:
    """Offers on cases the caller may see."""
    return Offer.objects.filter(case__in=cases_visible_to(user)).select_related(
        "case", "made_by", "approved_by"
    )


def api_followups(*, user) -> QuerySet[FollowUp]:
    """Follow-ups on cases the caller may see."""
    return FollowUp.objects.filter(case__in=cases_visible_to(user)).select_related(
        "case", "owner"
    )


def api_customers(*, user) -> QuerySet[Customer]:
    """Customers the caller may see (`customers.selectors.customers_visible_to`),
    with the ids filing systems know them by.
    """
    return (
        customers_visible_to(user)
        .select_related("vulnerability", "representative")
        .prefetch_related(Prefetch("refs", queryset=customer_refs_all()))
    )


def api_customers_with_history(*, user) -> QuerySet[Customer]:
    """`api_customers`, each annotated with its history summary (for one customer)."""
    return api_customers(user=user).annotate(
        cases_total=Count("cases", distinct=True),
        cases_open=Count(
            "cases", filter=Q(cases__stage__in=OPEN_STAGES), distinct=True
        ),
        cases_satisfied=Count(
            "cases",
            filter=Q(cases__close_reason=CloseReason.SATISFIED),
            distinct=True,
        ),
        cases_unresolved=Count(
            "cases",
            filter=Q(cases__close_reason=CloseReason.UNSATISFIED),
            distinct=True,
        ),
        last_case_at=Max("cases__created_at"),
    )


def api_customer_last_handler(*, customer: Customer, user) -> str | None:
    """The username of the assignee of the customer's latest assigned case that
    `user` may see (another team's handler stays theirs, as on the page).
    """
    case = (
        cases_visible_to(user)
        .filter(customer=customer, assignee__isnull=False)
        .select_related("assignee")
        .order_by("-created_at", "-id")
        .first()
    )
    return case.assignee.get_username() if case else None


def api_shows_customer_as_filed(*, user) -> bool:
    """Whether the caller sees a case's customer only as what it sent (CONTRACT §9).

    Service clients do; staff see the customer record, as they may see any
    customer of a case they may see.
    """
    return is_service_client(user)
