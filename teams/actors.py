"""Who did something: a staff user, an API service client, the customer, or the system.

Every service that changes state takes one as its required keyword `by`; the
system names the task or command it acts in (`Actor.system("process_due")`).
It lives in the lowest room, `teams`, so that every room (customers and teams
themselves included) can take and record it; `complaints.actors` re-exports it.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

SYSTEM_PREFIX = "system:"


@dataclass(frozen=True)
class Actor:
    user: AbstractBaseUser | None
    label: str

    @classmethod
    def system(cls, name: str) -> "Actor":
        """The system at work in the task or command `name`, e.g. "process_due"."""
        if not name or not name.strip():
            raise ValueError("Name the task or command the system acts in.")
        return cls(user=None, label=f"{SYSTEM_PREFIX}{name.strip()}")

    @classmethod
    def customer(cls) -> "Actor":
        return cls(user=None, label="customer")

    @classmethod
    def of_user(cls, user: AbstractBaseUser) -> "Actor":
        return cls(user=user, label=user.get_username())

    @classmethod
    def of_client(cls, name: str) -> "Actor":
        return cls(user=None, label=f"api:{name}")

    @property
    def is_system(self) -> bool:
        """Whether no person, customer or client acts: a task or a command."""
        return self.user is None and self.label.startswith(SYSTEM_PREFIX)


By = Actor | AbstractBaseUser
"""Who a state-changing service is told acts: an Actor, or a signed-in user."""


def as_actor(by: By) -> Actor:
    """Accept an Actor or a signed-in user; refuse anything else.

    A missing actor is a programming error, never silently "the system":
    system work names itself with `Actor.system("<task or command>")`.
    """
    if isinstance(by, Actor):
        return by
    if by is None or not getattr(by, "is_authenticated", False):
        raise TypeError(f"A state change needs its actor; got {by!r}.")
    return Actor.of_user(by)
