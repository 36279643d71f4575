"""Reads about staff: a user's role and teams, and who leads a team."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from .models import Role, StaffProfile, Team

User = get_user_model()


def role_of(user: AbstractBaseUser | AnonymousUser | None) -> str | None:
    """Return the user's role, `manager` for superusers, None for non-staff."""
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.MANAGER
    profile = _profile(user)
    return profile.role if profile else None


def team_ids_of(user: AbstractBaseUser) -> list[int]:
    """Return the ids of the teams the user belongs to (cached on the user)."""
    cached = getattr(user, "_redress_team_ids", None)
    if cached is None:
        profile = _profile(user)
        cached = list(profile.teams.values_list("id", flat=True)) if profile else []
        user._redress_team_ids = cached
    return cached


def is_manager(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return role_of(user) == Role.MANAGER


def is_lead_or_manager(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return role_of(user) in (Role.TEAM_LEAD, Role.MANAGER)


def team_leads(team: Team | None) -> QuerySet:
    """Return the active team leads of `team`; of every team when None.

    A case with no team waits in Triage, which every team lead sees, so its
    leads are all of them.
    """
    leads = User.objects.filter(is_active=True, staff__role=Role.TEAM_LEAD)
    if team is not None:
        leads = leads.filter(staff__teams=team)
    return leads.order_by("id")


def managers() -> QuerySet:
    """Return the active managers."""
    return User.objects.filter(is_active=True, staff__role=Role.MANAGER).order_by("id")


def _profile(user: AbstractBaseUser) -> StaffProfile | None:
    try:
        return user.staff
    except StaffProfile.DoesNotExist:
        return None
