"""Who did something (`Actor`, from `teams.actors`), and how a customer sees them.

Every service that changes state takes one as its required `by`; the system
names the task or command it acts in (`Actor.system("process_due")`).
"""

from django.contrib.auth.models import AbstractBaseUser

from teams.actors import SYSTEM_PREFIX, Actor, By, as_actor

__all__ = ["SYSTEM_PREFIX", "Actor", "By", "as_actor", "customer_facing_name"]


def customer_facing_name(user: AbstractBaseUser | None) -> str:
    """The name a customer may read for whoever wrote to them: a staff member's
    first name, or "" when no person did (an API client, the system).

    Never a username or an actor label such as `api:<client>`: those are
    internal. Callers sign "" as the team.
    """
    return (getattr(user, "first_name", "") or "").strip() if user else ""
