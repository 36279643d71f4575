"""Reads of cases that encode visibility: who may see which case (CONTRACT §9).

The one rule, read from the case side (`cases_visible_to`) and from the
people side (`staff_who_may_see`):

- managers (and superusers) see every case;
- agents and team leads see the cases of their teams;
- team leads also see every case with no team (the **Triage** queue);
- the assignee of a case always sees it;
- a user key acts as its user; a service client (no user) sees the cases it filed;
- anyone else sees nothing.

`assignable_users` says who may *take* a case: who sees it other than by being
its assignee (for a Triage case: staff with exactly one team, whose team the
case then joins).
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from teams.models import Role, StaffProfile
from teams.selectors import role_of, team_ids_of

from .models import Case

User = get_user_model()


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
        # One query: an OR of index scans (team, assignee, and no team).
        seen = Q(team_id__in=team_ids_of(user)) | Q(assignee_id=user.pk)
        if role == Role.TEAM_LEAD:
            seen |= Q(team__isnull=True)
        return cases.filter(seen)
    return cases.none()


def staff_who_may_see(case: Case) -> QuerySet:
    """Active staff who may see `case`: the same rule as `cases_visible_to`."""
    seen = Q(staff__role=Role.MANAGER) | Q(is_superuser=True)
    if case.team_id:
        seen |= Q(staff__teams=case.team_id)
    else:
        seen |= Q(staff__role=Role.TEAM_LEAD)
    if case.assignee_id:
        seen |= Q(pk=case.assignee_id)
    staff = User.objects.filter(is_active=True).filter(
        Q(staff__isnull=False) | Q(is_superuser=True)
    )
    return staff.filter(pk__in=User.objects.filter(seen).values("pk")).order_by(
        "username"
    )


def assignable_users(case: Case) -> QuerySet:
    """Active staff who may take `case` (see `assignable_users_by_team`)."""
    return User.objects.filter(pk__in=_assignable_ids(case.team_id)).order_by(
        "username"
    )


def assignable_users_by_team(team_ids: set[int | None]) -> dict[int | None, list]:
    """Who may take a case of each team in `team_ids` (None: Triage), in two queries.

    A case of a team: its members and the managers. A Triage case: staff with
    exactly one team (assigning it moves it to that team).
    """
    profiles = (
        StaffProfile.objects.filter(user__is_active=True)
        .select_related("user")
        .prefetch_related("teams")
        .order_by("user__username")
    )
    wanted = {t for t in team_ids if t is not None}
    if None not in team_ids:
        profiles = profiles.filter(
            Q(role=Role.MANAGER) | Q(teams__in=wanted)
        ).distinct()
    offered: dict[int | None, list] = {t: [] for t in team_ids}
    for profile in profiles:
        mine = {t.pk for t in profile.teams.all()}
        for team_id in offered:
            if team_id is None:
                ok = len(mine) == 1
            else:
                ok = profile.role == Role.MANAGER or team_id in mine
            if ok:
                offered[team_id].append(profile.user)
    return offered


def _assignable_ids(team_id: int | None) -> QuerySet:
    staff = User.objects.filter(is_active=True, staff__isnull=False)
    if team_id is None:
        return (
            staff.annotate(n_teams=Count("staff__teams")).filter(n_teams=1).values("pk")
        )
    return staff.filter(Q(staff__role=Role.MANAGER) | Q(staff__teams=team_id)).values(
        "pk"
    )


def case_visible(user, case: Case) -> bool:
    """Whether `user` may see `case` (one query; the rule is `cases_visible_to`)."""
    return cases_visible_to(user).filter(pk=case.pk).exists()


def case_for_user(user, reference: str) -> Case | None:
    """Return the case with `reference` if `user` may see it, else None."""
    return cases_visible_to(user).filter(reference=reference).first()


def related_known(instance: Any, name: str, rows: Iterable[Any]) -> None:
    """Record that `instance`'s reverse relation `name` holds exactly `rows`, as
    `prefetch_related` would, so reading it costs no query.

    For rows the caller has just written and knows to be all there are (the
    clocks a filing starts); the list keeps the order given.
    """
    queryset = getattr(instance, name).all()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset
