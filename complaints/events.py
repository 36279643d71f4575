"""The one stream of domain events: timeline events, published after commit.

`complaints.timeline` writes every state change as an `Event` of an enumerated
`EventKind` and hands it here once its transaction commits; nothing is
published for a rolled-back change. Whatever reacts to changes (webhooks,
and in time notifications and dashboards) subscribes in its
`AppConfig.ready()`:

    subscribe(EventKind.STAGE_CHANGED, on_stage_changed)
    subscribe(ALL, on_anything)

A handler gets a list of the committed events of the kinds it asked for (one
call per `publish`). A handler that raises is logged and skipped: the change
is committed already, so it never fails the caller nor stops other handlers.
"""

import logging
from collections.abc import Callable, Iterable, Sequence

from django.db import transaction

from .models import Event, EventKind

logger = logging.getLogger(__name__)

ALL = "*"
"""Subscribe to every kind."""

Handler = Callable[[Sequence[Event]], None]

_handlers: list[tuple[str, Handler]] = []


def subscribe(kind: EventKind | str, handler: Handler) -> None:
    """Call `handler` with the committed events of `kind` (or of `ALL` kinds).

    Subscribing the same handler to the same kind twice is a no-op. Raises
    ValueError for a kind that is neither an `EventKind` nor `ALL`.
    """
    if kind != ALL and kind not in EventKind.values:
        raise ValueError(f"Unknown event kind {kind!r}.")
    entry = (str(kind), handler)
    if entry not in _handlers:
        _handlers.append(entry)


def unsubscribe(kind: EventKind | str, handler: Handler) -> None:
    """Stop calling `handler` for `kind` (tests use it to clean up)."""
    entry = (str(kind), handler)
    if entry in _handlers:
        _handlers.remove(entry)


def publish(events: Iterable[Event]) -> None:
    """Hand committed `events` to each subscriber; log and skip failing ones."""
    events = list(events)
    if not events:
        return
    for kind, handler in list(_handlers):
        mine = events if kind == ALL else [e for e in events if e.kind == kind]
        if not mine:
            continue
        try:
            handler(mine)
        except Exception:
            logger.exception(
                "event subscriber %s failed on %d event(s)",
                getattr(handler, "__qualname__", handler),
                len(mine),
            )


def publish_on_commit(events: Sequence[Event]) -> None:
    """Publish `events` once the current transaction commits (now, outside one)."""
    if events:
        batch = list(events)
        transaction.on_commit(lambda: publish(batch))
