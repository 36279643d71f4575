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


def record_events(
    entries: list[tuple[Case, str, dict[str, Any]]], /, *, by: Any = None
) -> list[Event]:
    """Append many events at once (one INSERT), e.g. a due pass's firings.

    Each entry is `(case, kind, data)`; `data` may carry `before` and `after`.
    """
    actor = as_actor(by)
    rows = []
    for case, kind, data in entries:
        data = dict(data)
        rows.append(
            Event(
                case=case,
                actor=actor.user,
                actor_label=actor.label,
                kind=kind,
                before=data.pop("before", None),
                after=data.pop("after", None),
                data=data,
            )
        )
    return Event.objects.bulk_create(rows)
