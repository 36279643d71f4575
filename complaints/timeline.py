"""Append an event to a case's timeline; the only writer of `Event` rows."""

from typing import Any

from .actors import Actor, as_actor
from .models import Case, Event


def record_event(
    case: Case,
    kind: str,
    /,
    *,
    by: Actor | Any = None,
    before: Any = None,
    after: Any = None,
    **data: Any,
) -> Event:
    """Append one event (who, when, what, before/after) to the case's timeline."""
    actor = as_actor(by)
    return Event.objects.create(
        case=case,
        actor=actor.user,
        actor_label=actor.label,
        kind=kind,
        before=before,
        after=after,
        data=data,
    )
