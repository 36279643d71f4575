"""Canned responses: which an agent is offered on a case, and filling them in.

Placeholders are plain `{name}` substitutions from a fixed list, never a
template language: a response's author cannot reach anything but these
three values. The filled text goes into the message form, so it is sent
(and checked for sales pitches) like any message the agent types.
"""

import re

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from teams.models import Role
from teams.selectors import role_of, team_ids_of

from .actors import customer_facing_name
from .models import CannedResponse, Case

PLACEHOLDERS = {
    "first_name": "the customer's first name",
    "reference": "the case reference",
    "agent_name": "your first name",
}
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def unknown_placeholders(text: str) -> list[str]:
    """The `{names}` in `text` that are not placeholders (to refuse on save)."""
    return sorted({m for m in PLACEHOLDER.findall(text) if m not in PLACEHOLDERS})


def canned_for_case(case: Case) -> QuerySet[CannedResponse]:
    """The active responses offered on `case`: its team's and the shared ones."""
    return CannedResponse.objects.filter(
        Q(team__isnull=True) | Q(team_id=case.team_id), active=True
    )


def canned_managed_by(user: AbstractBaseUser) -> QuerySet[CannedResponse]:
    """The responses `user` may edit: managers all, team leads their teams'."""
    role = role_of(user)
    if role == Role.MANAGER or getattr(user, "is_superuser", False):
        return CannedResponse.objects.all()
    if role == Role.TEAM_LEAD:
        return CannedResponse.objects.filter(team_id__in=team_ids_of(user))
    return CannedResponse.objects.none()


def canned_may_manage(user: AbstractBaseUser, team_id: int | None) -> bool:
    """Whether `user` may keep a response for `team_id` (None: every team)."""
    role = role_of(user)
    if role == Role.MANAGER or getattr(user, "is_superuser", False):
        return True
    return role == Role.TEAM_LEAD and team_id in team_ids_of(user)


def canned_render(
    response: CannedResponse, *, case: Case, agent: AbstractBaseUser | None
) -> str:
    """Fill the placeholders for `case` as written by `agent`."""
    name = (case.customer.name or "").strip()
    values = {
        "first_name": name.split()[0] if name else "",
        "reference": case.reference,
        "agent_name": customer_facing_name(agent),
    }
    return PLACEHOLDER.sub(
        lambda m: values.get(m.group(1), m.group(0)), response.body
    ).strip()
