"""Saved inbox views: keep a filtered, sorted inbox under a name, for oneself
or shared with one's team. The query is rebuilt from the parsed, whitelisted
filters, so nothing but known parameters with valid values is ever stored."""

from dataclasses import replace
from urllib.parse import urlencode

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from complaints.bounds import text_check
from complaints.exceptions import ActionForbidden, DomainError
from complaints.models import Priority, Stage
from teams.models import Team
from teams.selectors import team_ids_of

from .models import SavedView
from .selectors.inbox import InboxFilters

SAVED_MAX = 50  # per owner


def query_of(filters: InboxFilters) -> str:
    """The canonical query string of parsed inbox filters (defaults left out)."""
    default = InboxFilters()
    if filters.stage not in Stage.values:
        filters = replace(filters, stage="")
    if filters.priority not in Priority.values:
        filters = replace(filters, priority="")
    pairs = {
        name: value
        for name, value in vars(filters).items()
        if value not in (None, "")
        and (name == "queue" or value != getattr(default, name))
    }
    return urlencode(pairs)


def saved_views_for(user: AbstractBaseUser) -> QuerySet[SavedView]:
    """The views `user` may open: their own and those shared with their teams."""
    return SavedView.objects.filter(
        Q(owner_id=user.pk) | Q(team_id__in=team_ids_of(user))
    ).select_related("team")


def saved_view_create(
    *, user: AbstractBaseUser, name: str, filters: InboxFilters, team: Team | None
) -> SavedView:
    """Save `filters` under `name`; raise DomainError (empty or too many) or
    ActionForbidden (sharing with a team the user is not in)."""
    name = (name or "").strip()
    text_check(name, field="name", max_length=80)
    if not name:
        raise DomainError(gettext("Give the view a name."), ["name"])
    if team is not None and team.pk not in team_ids_of(user):
        raise ActionForbidden(gettext("You can share a view only with your own team."))
    if SavedView.objects.filter(owner_id=user.pk).count() >= SAVED_MAX:
        raise DomainError(
            gettext("You have %(count)d saved views; delete one first.")
            % {"count": SAVED_MAX}
        )
    return SavedView.objects.create(
        name=name, query=query_of(filters), owner=user, team=team
    )


def saved_view_delete(*, user: AbstractBaseUser, view: SavedView) -> None:
    """Delete `view`; raise ActionForbidden unless `user` owns it."""
    if view.owner_id != user.pk:
        raise ActionForbidden(gettext("Only the person who saved a view deletes it."))
    view.delete()
