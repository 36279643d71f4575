"""Who has a case: the hand-on rule, assigning, and routing to a team (CONTRACT §9).

`assignment_check` is the one rule every path (pages, htmx rows, API, admin,
demo data) goes through, via `case_assign`:

- managers (and the system) hand any case to anyone who may take it;
- team leads hand on the cases of their teams and the Triage cases;
- an agent may only take an unassigned case of their teams, or hand their own
  case back (unassign themselves);
- a service API client hands nothing on;
- the assignee must be someone who may take the case (`assignable_users`): a
  member of its team or a manager; for a Triage case (no team), staff with
  exactly one team, whose team the case then joins (someone with no team or
  several must wait until a lead routes the case).

`route_check` is the routing rule: managers route any case, team leads the
Triage cases and those of their teams.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext

from teams.models import Role, Team
from teams.selectors import role_of, team_ids_of

from . import hooks
from .actors import Actor, By, as_actor
from .exceptions import ActionForbidden, DomainError
from .hooks import Hook
from .models import Case, EventKind
from .selectors import assignable_users
from .timeline import record_event
from .versions import case_lock, case_version_bump

HAND_ON_REFUSED = (
    "Only a team lead or a manager hands a case to someone else; you can take "
    "an unassigned case of your team, or hand your own case back."
)


def _acting_user(actor: Actor) -> AbstractBaseUser | None:
    """The user behind `actor`; None for the system; refuse anyone else."""
    if actor.user is None:
        if actor.is_system:
            return None
        raise ActionForbidden(HAND_ON_REFUSED)
    return actor.user


def _leads_case(user: AbstractBaseUser, case: Case) -> bool:
    role = role_of(user)
    if role == Role.MANAGER:
        return True
    return role == Role.TEAM_LEAD and (
        case.team_id is None or case.team_id in team_ids_of(user)
    )


def assignment_check(
    *, case: Case, assignee: AbstractBaseUser | None, by: By
) -> Team | None:
    """Refuse a hand-on the rule forbids; return the team a Triage case joins.

    Raises DomainError naming `assignee` (that person may not take this
    case), checked first, or ActionForbidden (the actor may not hand it on).
    """
    if (
        assignee is not None
        and not assignable_users(case).filter(pk=assignee.pk).exists()
    ):
        if not assignee.is_active or role_of(assignee) is None:
            detail = f"{assignee.get_username()} is not active staff."
        elif case.team_id is None:
            detail = (
                f"{assignee.get_username()} is not in exactly one team; "
                "route the case to a team first."
            )
        else:
            detail = f"{assignee.get_username()} is not in the case's team."
        raise DomainError(detail, ["assignee"])
    user = _acting_user(as_actor(by))
    if user is not None and not _leads_case(user, case):
        takes = (
            assignee is not None
            and assignee.pk == user.pk
            and case.assignee_id in (None, user.pk)
            and case.team_id in team_ids_of(user)
        )
        hands_back = assignee is None and case.assignee_id == user.pk
        if role_of(user) is None or not (takes or hands_back):
            raise ActionForbidden(HAND_ON_REFUSED)
    if assignee is None:
        return None
    if case.team_id is None:
        return Team.objects.get(members__user=assignee)
    return None


def route_check(*, case: Case, by: By) -> None:
    """Refuse routing by anyone but a manager or a lead of the case (or Triage)."""
    user = _acting_user(as_actor(by))
    if user is not None and not _leads_case(user, case):
        raise ActionForbidden(
            gettext(
                "Only a team lead (of this case's team, or for Triage) or a manager "
                "routes a case to a team."
            )
        )


def case_assign(
    *,
    case: Case,
    assignee: AbstractBaseUser | None,
    by: By,
    expected_version: int | None = None,
) -> Case:
    """Give the case to `assignee` (None unassigns) under the hand-on rule.

    A Triage case joins the assignee's team. Raises ActionForbidden,
    DomainError, StaleVersion.
    """
    actor = as_actor(by)
    with transaction.atomic():
        case = case_lock(case, expected_version=expected_version)
        team = assignment_check(case=case, assignee=assignee, by=actor)
        before = case.assignee.get_username() if case.assignee else None
        after = assignee.get_username() if assignee else None
        if before == after:
            return case
        if team is not None:
            _set_team(case, team, actor)
        case.assignee = assignee
        case_version_bump(case, fields=["assignee", "team"])
        record_event(case, EventKind.ASSIGNED, by=actor, before=before, after=after)
    return case


def case_route(
    *,
    case: Case,
    team: Team,
    by: By,
    expected_version: int | None = None,
) -> Case:
    """Move the case to `team`'s queue; raise ActionForbidden, StaleVersion.

    An assignee who may not take the case in its new team is unassigned (a
    second event on the timeline).
    """
    actor = as_actor(by)
    with transaction.atomic():
        case = case_lock(case, expected_version=expected_version)
        route_check(case=case, by=actor)
        if case.team_id == team.pk:
            return case
        _set_team(case, team, actor)
        dropped = case.assignee
        if dropped and not assignable_users(case).filter(pk=dropped.pk).exists():
            case.assignee = None
        case_version_bump(case, fields=["assignee", "team"])
        if case.assignee is None and dropped is not None:
            record_event(
                case,
                EventKind.ASSIGNED,
                by=actor,
                before=dropped.get_username(),
                after=None,
            )
    return case


def _set_team(case: Case, team: Team, actor: Actor) -> None:
    before = case.team.slug if case.team_id else None
    case.team = team
    record_event(case, EventKind.ROUTED, by=actor, before=before, after=team.slug)
    # The team's calendar may differ from the one the clocks ran on.
    hooks.run(Hook.CASE_RETIMED, case=case)
