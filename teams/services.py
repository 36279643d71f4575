"""Writes about staff: creating staff users with a role and teams."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .actors import By, as_actor
from .audit import audit
from .models import Role, StaffProfile, Team

User = get_user_model()


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str | None,
    role: str = Role.AGENT,
    teams: list[Team] | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    by: By,
) -> AbstractBaseUser:
    """Create a staff user with a role and teams; raise ValueError on an unknown role."""
    by = as_actor(by)
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    user = User.objects.create_user(
        username=username,
        password=password,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == Role.MANAGER,
    )
    profile = StaffProfile.objects.create(user=user, role=role)
    if teams:
        profile.teams.set(teams)
    audit("staff.created", by=by, username=username, role=role)
    return user


def staff_language_set(*, user: AbstractBaseUser, language: str) -> str:
    """Save the staff member's page language ('' for the browser's); return it.

    Raises ValueError for a language Redress does not ship.
    """
    from django.conf import settings

    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    StaffProfile.objects.update_or_create(user=user, defaults={"language": language})
    return language
