"""Staff filing a complaint for a caller or a walk-in (the "New case" page).

The case is filed by `case_file`, like every other complaint; this module
only says where a case taken by a staff member lands: in their team when they
have exactly one, else with the category's team, else in Triage.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext

from customers.models import Customer
from teams.models import Team
from teams.selectors import role_of, team_ids_of

from .exceptions import ActionForbidden
from .models import Case, Category, Channel, Priority
from .services import case_file

STAFF_CHANNELS = (Channel.PHONE, Channel.IN_PERSON)


def intake_team(user: AbstractBaseUser) -> Team | None:
    """The team a case taken by `user` joins: their only team, else None."""
    ids = team_ids_of(user)
    return Team.objects.get(pk=ids[0]) if len(ids) == 1 else None


def case_file_by_staff(
    *,
    by: AbstractBaseUser,
    customer: Customer,
    subject: str,
    description: str,
    channel: str = Channel.PHONE,
    priority: str = Priority.NORMAL,
    category: Category | None = None,
) -> Case:
    """File a complaint taken by phone or in person; raise ActionForbidden for
    anyone but staff, or for another channel."""
    if role_of(by) is None:
        raise ActionForbidden(gettext("Only staff file complaints for a customer."))
    if channel not in STAFF_CHANNELS:
        raise ActionForbidden(gettext("Staff file phone calls and walk-ins here."))
    team: Any = intake_team(by)
    if team is None and category is not None:
        team = category.default_team
    return case_file(
        customer=customer,
        subject=subject,
        description=description,
        channel=channel,
        priority=priority,
        category=category,
        team=team,
        by=by,
    )
