"""Who did something: a staff user, an API service client, the customer, or the system."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class Actor:
    user: AbstractBaseUser | None
    label: str

    @classmethod
    def system(cls) -> "Actor":
        return cls(user=None, label="system")

    @classmethod
    def customer(cls) -> "Actor":
        return cls(user=None, label="customer")

    @classmethod
    def of_user(cls, user: AbstractBaseUser) -> "Actor":
        return cls(user=user, label=user.get_username())

    @classmethod
    def of_client(cls, name: str) -> "Actor":
        return cls(user=None, label=f"api:{name}")


def as_actor(by: Any) -> Actor:
    """Accept an Actor, a user, or None (the system)."""
    if isinstance(by, Actor):
        return by
    if by is None or not getattr(by, "is_authenticated", False):
        return Actor.system()
    return Actor.of_user(by)


def customer_facing_name(user: AbstractBaseUser | None) -> str:
    """The name a customer may read for whoever wrote to them: a staff member's
    first name, or "" when no person did (an API client, the system).

    Never a username or an actor label such as `api:<client>`: those are
    internal. Callers sign "" as the team.
    """
    return (getattr(user, "first_name", "") or "").strip() if user else ""
