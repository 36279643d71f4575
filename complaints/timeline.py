"""Append an event to a case's timeline; the only writer of `Event` rows.

Every event has an `EventKind`; once its transaction commits it is published
to the subscribers of `complaints.events` (webhooks, …).
"""

from typing import Any

from .actors import By, as_actor
from .events import publish_on_commit
from .models import Case, Event, EventKind


def record_event(
    case: Case,
    kind: EventKind,
    /,
    *,
    by: By,
    before: Any = None,
    after: Any = None,
    into: list | None = None,
    **data: Any,
) -> Event:
    """Append one event (who, when, what, before/after) to the case's timeline.

    With `into`, the event is appended unsaved to that list for the caller to
    write with other rows in the same transaction (`complaints.writes`: a new
    case and its filing event); it is published on commit all the same.
    Raises TypeError when `kind` is not an `EventKind`.
    """
    _check(kind)
    actor = as_actor(by)
    event = Event(
        case=case,
        actor=actor.user,
        actor_label=actor.label,
        kind=kind,
        before=before,
        after=after,
        data=data,
    )
    if into is None:
        event.save(force_insert=True)
    else:
        into.append(event)
    publish_on_commit([event])
    return event


def record_events(
    entries: list[tuple[Case, EventKind, dict[str, Any]]], /, *, by: By
) -> list[Event]:
    """Append many events at once (one INSERT), e.g. a due pass's firings.

    Each entry is `(case, kind, data)`; `data` may carry `before` and `after`.
    Raises TypeError when a kind is not an `EventKind`.
    """
    actor = as_actor(by)
    rows = []
    for case, kind, data in entries:
        _check(kind)
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
    events = Event.objects.bulk_create(rows)
    publish_on_commit(events)
    return events


def _check(kind: Any) -> None:
    if not isinstance(kind, EventKind):
        raise TypeError(f"An event kind must be an EventKind, not {kind!r}.")
