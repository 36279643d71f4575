"""Read-only work on a streaming replica when DATABASE_REPLICA_URL is set (CONTRACT §17).

The dashboards, their exports and the regulators' returns read a great deal
and may be a few seconds behind, so they run inside `replica_reads()`; every
other read, and every write, goes to the primary (`default`), so a page that
must see its own write always does. Without a replica the context changes
nothing. The router never lets a write or a migration reach the replica.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings

REPLICA = "replica"
_on_replica: ContextVar[bool] = ContextVar("on_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Send this block's reads to the replica, when one is configured."""
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def reads_from_replica(view: Callable) -> Callable:
    """Decorate a view (or function) whose reads may come from the replica."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with replica_reads():
            response = view(*args, **kwargs)
        if getattr(response, "streaming", False):
            # A streamed export reads its rows after the view has returned.
            response.streaming_content = _each_on_replica(response.streaming_content)
        return response

    return wrapped


def _each_on_replica(chunks: Iterator) -> Iterator:
    iterator = iter(chunks)
    while True:
        with replica_reads():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


class ReplicaRouter:
    """Reads inside `replica_reads()` go to the replica; everything else to default."""

    def db_for_read(self, model, **hints) -> str | None:
        if _on_replica.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both aliases hold the same rows (one streams from the other).
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db != REPLICA
