"""Reads of customers that encode visibility: who may see and edit which customer.

Customers are shared records (CONTRACT §9), so one rule decides for every path
(API, pages, admin-free lookups):

- managers (and superusers) see every customer;
- agents and team leads see a customer who has a case they may see
  (`complaints.selectors.cases_visible_to`, so triage and assignee rules follow);
- a service API client (a key without a user) sees no customer record at all:
  it meets a customer only inside the cases it filed, as what it sent itself;
- anyone else sees nobody.

Whoever may see a customer may also edit them; creating a customer outside
filing is for managers. The complaints core sits above this app, so it hands
its case-visibility selector down at start-up (`case_scope_provide`, called by
`ComplaintsConfig.ready()`) rather than being imported.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from teams.models import Role
from teams.selectors import role_of

from .models import (
    Customer,
    CustomerRef,
    Representative,
    Vulnerability,
    VulnerabilityDriver,
)

CaseScope = Callable[[Any], QuerySet]
_case_scope: list[CaseScope] = []


def case_scope_provide(scope: CaseScope) -> None:
    """Take the selector of the cases a user may see (the complaints core's)."""
    _case_scope[:] = [scope]


def is_service_client(user: Any) -> bool:
    """A key without a user: it carries its API client and has no primary key."""
    return getattr(user, "client", None) is not None and getattr(user, "pk", 1) is None


def customers_visible_to(user: Any) -> QuerySet[Customer]:
    """Return the customers `user` may see and edit (none for strangers)."""
    if user is None or is_service_client(user):
        return Customer.objects.none()
    role = role_of(user)
    if role == Role.MANAGER:
        return Customer.objects.all()
    if role in (Role.AGENT, Role.TEAM_LEAD):
        (cases_visible_to,) = _case_scope
        return Customer.objects.filter(
            pk__in=cases_visible_to(user).values("customer_id")
        )
    return Customer.objects.none()


def customer_for(user: Any, customer_id: int) -> Customer | None:
    """Return the customer with `customer_id` if `user` may see them, else None."""
    return customers_visible_to(user).filter(pk=customer_id).first()


def may_create_customers(user: Any) -> bool:
    """Whether `user` may create a customer record outside filing (managers only).

    Matching a customer by email would otherwise show an agent a customer of
    another team, and a customer with no case is visible to managers only.
    """
    return not is_service_client(user) and role_of(user) == Role.MANAGER


def customer_refs_all() -> QuerySet[CustomerRef]:
    """Refs with their clients, oldest first: every filing system's id for the
    customers a caller may already see (staff only; never a service client).
    """
    return CustomerRef.objects.select_related("client").order_by("id")


def customers_by_email(user: Any, emails: Iterable[str]) -> dict[str, list[int]]:
    """Map each lower-cased address to the ids of the customers `user` may see
    under it (oldest first); addresses nobody visible has are left out.
    """
    wanted = {e.lower() for e in emails}
    found: dict[str, list[int]] = {}
    if not wanted:
        return found
    rows = (
        customers_visible_to(user)
        .annotate(email_ci=Lower("email"))
        .filter(email_ci__in=wanted)
        .order_by("id")
        .values_list("email_ci", "id")
    )
    for email, pk in rows:
        found.setdefault(email, []).append(pk)
    return found


def customers_by_ref(user: Any, refs: Iterable[str]) -> dict[str, set[int]]:
    """Map each external ref to the customers `user` may see under it, across
    every API client's refs and staff-entered ones.

    The rule is `customers_visible_to`: a ref is resolved only to a customer the
    caller may already see, so it tells nothing new; a service client resolves
    nothing (it never reads another client's refs). One ref may name several
    customers (two clients' ids may collide); the caller decides what that means.
    """
    wanted = set(refs)
    found: dict[str, set[int]] = {}
    if not wanted:
        return found
    rows = CustomerRef.objects.filter(
        external_ref__in=wanted, customer__in=customers_visible_to(user)
    ).values_list("external_ref", "customer_id")
    for ref, pk in rows:
        found.setdefault(ref, set()).add(pk)
    return found


def vulnerability_of(customer: Customer) -> Vulnerability | None:
    """The customer's vulnerability record, if any (from `select_related` if joined)."""
    try:
        return customer.vulnerability
    except Vulnerability.DoesNotExist:
        return None


def representative_of(customer: Customer) -> Representative | None:
    """The customer's representative, if any (from `select_related` if joined)."""
    try:
        return customer.representative
    except Representative.DoesNotExist:
        return None


def vulnerable_customer_q(prefix: str = "") -> Q:
    """A filter for rows whose customer (at `prefix`, e.g. "customer__") has a
    vulnerability driver recorded."""
    found = Q()
    for driver in VulnerabilityDriver.values:
        found |= Q(**{f"{prefix}vulnerability__{driver}": True})
    return found
