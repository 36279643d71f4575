"""Reads of cases that encode visibility: who may see which case.

- managers (and superusers) see every case;
- agents and team leads see the cases of their teams;
- a user key acts as its user; a service client (no user) sees the cases it filed;
- anyone else sees nothing.
"""

import re
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from sla.models import Deadline
from teams.models import Role
from teams.selectors import role_of, team_ids_of

from .bounds import text_problem
from .models import Case


def cases_visible_to(user) -> QuerySet[Case]:
    """Return the cases `user` may see (an empty queryset for strangers)."""
    cases = Case.objects.all()
    client = getattr(user, "client", None)
    if client is not None and getattr(user, "pk", None) is None:
        return cases.filter(api_client=client)
    role = role_of(user)
    if role == Role.MANAGER:
        return cases
    if role in (Role.AGENT, Role.TEAM_LEAD):
        return cases.filter(team_id__in=team_ids_of(user))
    return cases.none()


def overdue_q(now: datetime | None = None) -> Q:
    """A filter for cases with a running SLA deadline already past due."""
    now = now or timezone.now()
    late = Deadline.objects.filter(
        case_id=OuterRef("pk"),
        met_at__isnull=True,
        cancelled_at__isnull=True,
        paused_at__isnull=True,
        due_at__lt=now,
    )
    return Q(Exists(late))


def case_for_user(user, reference: str) -> Case | None:
    """Return the case with `reference` if `user` may see it, else None."""
    return cases_visible_to(user).filter(reference=reference).first()


SEARCH_MAX_IDS = 1000
REFERENCE = re.compile(r"^C-\d{4}-\d{6,}$", re.IGNORECASE)


def cases_search(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Narrow `cases` to those matching `text` in reference, subject, description
    or the customer's name or email.

    A whole reference uses the unique index. With few matches the ids are
    collected first (trigram indexes on PostgreSQL, see api migration 0003), so
    the caller sorts those few instead of walking every case to find them.
    """
    from customers.models import Customer

    text = text.strip()[:100]
    if not text:
        return cases
    if text_problem(text, None):
        return cases.none()  # a NUL or unpaired surrogate matches nothing stored
    if REFERENCE.match(text):
        match = Q(reference=text.upper())
    else:
        match = Q(reference__icontains=text)
    match |= Q(subject__icontains=text) | Q(description__icontains=text)
    customer_ids = list(
        Customer.objects.filter(
            Q(name__icontains=text) | Q(email__icontains=text)
        ).values_list("id", flat=True)[:SEARCH_MAX_IDS]
    )
    if customer_ids:
        match |= Q(customer_id__in=customer_ids)
    # Within what the caller may see: a lead's few matches stay the fast path
    # even when the word is common across every team.
    ids = list(
        cases.order_by()
        .filter(match)
        .values_list("id", flat=True)[: SEARCH_MAX_IDS + 1]
    )
    if len(ids) <= SEARCH_MAX_IDS:
        return cases.filter(pk__in=ids)
    return cases.filter(match)
