"""Bulk actions over many cases: the same services as one case at a time.

A bulk action is only a loop: each case goes through the very service a
single action calls (`case_assign`, `case_route`, `case_update`, the
lifecycle's `transition`), in its own transaction, writing its own timeline
event. A case the rule refuses is listed with the refusal's words and the
others go ahead, so a bulk action refuses exactly what the single actions
would. Cases the user may not see are reported as not found, never touched.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import TextChoices
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from teams.models import Team

from .assignment import case_assign, case_route
from .exceptions import DomainError, TransitionRefused
from .lifecycle import describe, transition
from .models import Case, CloseReason, Stage
from .selectors import cases_visible_to
from .services import case_update

BULK_MAX = 100  # cases per request; a page of the inbox is far fewer


class BulkAction(TextChoices):
    ASSIGN = "assign", gettext_lazy("Assign to")
    ROUTE = "route", gettext_lazy("Route to team")
    PRIORITY = "priority", gettext_lazy("Set priority")
    CLOSE_DUPLICATE = "close_duplicate", gettext_lazy("Close as duplicate of")


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one selected case."""

    reference: str
    done: bool
    detail: str = ""


NOT_FOUND = gettext_noop("No such case, or not one you may see.")


def cases_bulk_apply(
    *,
    user: AbstractBaseUser,
    selection: list[tuple[str, int | None]],
    action: str,
    assignee: AbstractBaseUser | None = None,
    team: Team | None = None,
    priority: str = "",
    duplicate_of: Case | None = None,
) -> list[BulkOutcome]:
    """Apply `action` to each (reference, version) of `selection` as `user`.

    Each case is changed by its own service call (its own transaction and
    event); a refusal (DomainError and its kinds: ActionForbidden,
    StaleVersion, TransitionRefused) is recorded in that case's outcome and
    the loop goes on. Raises DomainError only for an unknown action or a
    selection larger than BULK_MAX.
    """
    if action not in BulkAction.values:
        raise DomainError(
            gettext("Unknown bulk action %(action)r.") % {"action": action},
            ["action"],
        )
    if len(selection) > BULK_MAX:
        raise DomainError(
            gettext("Select at most %(count)d cases at a time.") % {"count": BULK_MAX},
            ["case"],
        )
    references = [ref for ref, _ in selection]
    cases = {
        c.reference: c for c in cases_visible_to(user).filter(reference__in=references)
    }
    call = _action(
        action,
        user=user,
        assignee=assignee,
        team=team,
        priority=priority,
        duplicate_of=duplicate_of,
    )
    outcomes = []
    seen: set[str] = set()
    for reference, version in selection:
        if reference in seen:
            continue
        seen.add(reference)
        case = cases.get(reference)
        if case is None:
            outcomes.append(BulkOutcome(reference, False, gettext(NOT_FOUND)))
            continue
        try:
            call(case, version)
        except TransitionRefused as exc:
            detail = gettext("Refused: needs %(missing)s") % {
                "missing": "; ".join(describe(exc.missing))
            }
            outcomes.append(BulkOutcome(reference, False, detail))
        except DomainError as exc:
            outcomes.append(BulkOutcome(reference, False, exc.detail))
        else:
            outcomes.append(BulkOutcome(reference, True))
    return outcomes


def _action(
    action: str,
    *,
    user: AbstractBaseUser,
    assignee: AbstractBaseUser | None,
    team: Team | None,
    priority: str,
    duplicate_of: Case | None,
) -> Callable[[Case, int | None], Any]:
    """The single-case service call behind `action`."""
    if action == BulkAction.ASSIGN:
        return lambda case, version: case_assign(
            case=case, assignee=assignee, by=user, expected_version=version
        )
    if action == BulkAction.ROUTE:
        if team is None:
            raise DomainError(gettext("Choose a team to route to."), ["team"])
        return lambda case, version: case_route(
            case=case, team=team, by=user, expected_version=version
        )
    if action == BulkAction.PRIORITY:
        return lambda case, version: case_update(
            case=case, by=user, expected_version=version, priority=priority
        )
    return lambda case, version: transition(
        case,
        Stage.CLOSED,
        by=user,
        expected_version=version,
        close_reason=CloseReason.DUPLICATE,
        duplicate_of=duplicate_of,
    )
