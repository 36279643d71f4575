"""Reads for problems, promises and incidents: who may see which."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from complaints.models import Case, MessageKind, Visibility
from complaints.selectors import cases_visible_to
from teams.selectors import is_lead_or_manager, is_manager, role_of

from .models import (
    Incident,
    IncidentCase,
    IncidentCustomer,
    Problem,
    ProblemCase,
    Promise,
)
from .problems import problem_effect
from .promises import commitments_in


def may_see_problems(user: AbstractBaseUser | None) -> bool:
    """Team leads and managers see problems (they span teams)."""
    return is_lead_or_manager(user)


def problem_links_visible_to(user: AbstractBaseUser | None) -> QuerySet[ProblemCase]:
    """The one rule for problems: the problem–case links whose case `user` may see.

    Managers see every link; a team lead those of cases they may see
    (`cases_visible_to`: their teams' cases, triage, their own); nobody else
    any. A problem is visible through at least one such link, and shows only
    those cases (`problems_visible_to`, `problem_cases_visible_to`).
    """
    if not may_see_problems(user):
        return ProblemCase.objects.none()
    if is_manager(user):
        return ProblemCase.objects.all()
    return ProblemCase.objects.filter(case__in=cases_visible_to(user))


def problems_visible_to(user: AbstractBaseUser | None) -> QuerySet[Problem]:
    """Problems linking a case `user` may see, each with the count of those cases
    (managers: every problem, every case)."""
    if not may_see_problems(user):
        return Problem.objects.none()
    problems = Problem.objects.select_related("owner")
    if is_manager(user):
        return problems.annotate(cases_count=Count("links", distinct=True))
    links = problem_links_visible_to(user)
    return problems.filter(pk__in=links.values("problem_id")).annotate(
        cases_count=Count(
            "links", filter=Q(links__in=links.values("pk")), distinct=True
        )
    )


def problem_cases_visible_to(
    user: AbstractBaseUser | None, problem: Problem
) -> QuerySet[Case]:
    """The problem's cases that `user` may see, oldest link first."""
    links = problem_links_visible_to(user).filter(problem=problem)
    return (
        Case.objects.filter(problem_links__in=links)
        .select_related("team", "assignee")
        .order_by("problem_links__linked_at", "pk")
    )


def problem_effect_for(user: AbstractBaseUser | None, problem: Problem) -> dict:
    """The problem's effect (`problems.problem_effect`) counted over the cases
    `user` may see."""
    within = None if is_manager(user) else cases_visible_to(user)
    return problem_effect(problem, within=within)


def promises_visible_to(user: AbstractBaseUser | None) -> QuerySet[Promise]:
    """Promises on cases the user may see (the rule is `cases_visible_to`)."""
    return Promise.objects.filter(case__in=cases_visible_to(user)).select_related(
        "case", "owner"
    )


def case_promises(case: Case) -> QuerySet[Promise]:
    """The case's promises, soonest due first."""
    return Promise.objects.filter(case=case).select_related("owner")


def customer_promises(case: Case) -> QuerySet[Promise]:
    """What the customer may read: the customer-facing promises of their case."""
    return case_promises(case).filter(customer_facing=True)


def promises_due(user: AbstractBaseUser, *, before: datetime) -> QuerySet[Promise]:
    """The user's own promises not kept and due before `before` (the inbox queue)."""
    return promises_visible_to(user).filter(
        owner=user, kept_at__isnull=True, due_at__lte=before
    )


def promise_suggestions(case: Case) -> list[str]:
    """Commitments in our latest customer-facing message not yet recorded as promises.

    The case page offers each one for the agent to confirm as a promise.
    """
    latest = (
        case.messages.filter(visibility=Visibility.CUSTOMER)
        .exclude(kind=MessageKind.FROM_CUSTOMER)
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None:
        return []
    recorded = set(case_promises(case).values_list("text", flat=True))
    return [text for text in commitments_in(latest.body) if text not in recorded]


def incidents_visible_to(user: AbstractBaseUser | None) -> QuerySet[Incident]:
    """Every incident, with its counts, for managers; none for anyone else."""
    if not is_manager(user):
        return Incident.objects.none()
    return Incident.objects.select_related("closed_by").annotate(
        cases_count=Count("case_links", distinct=True),
        customers_count=Count("customer_links", distinct=True),
        notified_count=Count("notices", distinct=True),
    )


def incident_suggestions(
    case: Case, *, user: AbstractBaseUser | None
) -> list[Incident]:
    """Open incidents the case may belong to, for staff who may see the case.

    An incident matches when the case's customer is linked to it, or when it
    has a category, the case has that category and was filed (received) after
    the incident was opened. Incidents the case is already linked to are left
    out. One query.
    """
    if role_of(user) is None or getattr(user, "pk", None) is None:
        return []
    filed = case.received_at or case.created_at
    linked = IncidentCase.objects.filter(incident=OuterRef("pk"), case_id=case.pk)
    customer = IncidentCustomer.objects.filter(
        incident=OuterRef("pk"), customer_id=case.customer_id
    )
    matches = Q(Exists(customer))
    if case.category_id is not None:
        matches |= Q(category_id=case.category_id, created_at__lte=filed)
    return list(
        Incident.objects.filter(closed_at__isnull=True)
        .filter(Exists(cases_visible_to(user).filter(pk=case.pk)))
        .exclude(Exists(linked))
        .filter(matches)
        .order_by("-created_at", "-pk")
    )
