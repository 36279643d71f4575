"""The audit trail of writes outside a case's timeline: keys, webhooks, customers, staff.

A case's changes are its timeline (`complaints.timeline`); writes that belong
to no case (an API key issued or revoked, a webhook subscribed, a customer
record edited, a staff account created) are logged here, one JSON line each on
the `redress.audit` logger, naming the acting party (`by`) and what was done.
"""

import logging
from typing import Any

from .actors import Actor, By, as_actor

logger = logging.getLogger("redress.audit")


def audit(action: str, *, by: By, **fields: Any) -> Actor:
    """Log `action` by `by` with `fields`; return the actor (raise TypeError without one)."""
    actor = as_actor(by)
    logger.info(
        "%s by %s",
        action,
        actor.label,
        extra={
            "audit": action,
            "actor": actor.label,
            "actor_id": actor.user.pk if actor.user is not None else None,
            **{f"audit_{k}": v for k, v in fields.items()},
        },
    )
    return actor
