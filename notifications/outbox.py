"""Handing outbox rows to the worker: after commit, never failing the caller.

Services write the rows; this queues `tasks.deliver_outbox` for them, and the
task calls back into `services` to send. Kept apart from `services` so the two
never import each other. Batch jobs publish in chunks (`outbox_publish_deferred`).
"""

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar

from django.db import transaction

from .tasks import deliver_outbox

logger = logging.getLogger(__name__)

PUBLISH_TIMEOUT = 2.0
"""Seconds a publish may wait for the broker before giving up (work stays queued)."""
DEFERRED_CHUNK = 100
"""Emails a batch job publishes at once (see `outbox_publish_deferred`)."""
_deferred: ContextVar[tuple[list[int], int] | None] = ContextVar(
    "outbox_deferred", default=None
)


def outbox_enqueue_on_commit(ids: list[int]) -> None:
    """After the current transaction commits, queue delivery of these emails."""
    if ids:
        transaction.on_commit(lambda: _publish_or_defer(ids))


@contextlib.contextmanager
def outbox_publish_deferred(*, every: int = DEFERRED_CHUNK) -> Iterator[None]:
    """Within the block, publish committed emails `every` ids at a time, and at the end.

    For batch jobs (an inbox import) that commit thousands of small
    transactions: one broker round trip per chunk instead of per email.
    """
    token = _deferred.set(([], every))
    try:
        yield
    finally:
        pending, _ = _deferred.get()
        _deferred.reset(token)
        if pending:
            outbox_publish(pending)


def _publish_or_defer(ids: list[int]) -> None:
    deferred = _deferred.get()
    if deferred is None:
        outbox_publish(ids)
        return
    pending, every = deferred
    pending.extend(ids)
    if len(pending) >= every:
        outbox_publish(pending[:])
        pending.clear()


def outbox_publish(ids: list[int]) -> bool:
    """Queue a delivery task now; log and return False if the broker is down.

    Never raises: the rows are in the database and the due pass re-queues them.
    """
    app = deliver_outbox.app
    # Bounded: one connection attempt, no retry loop (kombu would otherwise
    # retry for broker_connection_timeout and more inside a web request).
    options = {**(app.conf.broker_transport_options or {}), "max_retries": 0}
    try:
        with app.connection_for_write(
            connect_timeout=PUBLISH_TIMEOUT, transport_options=options
        ) as conn:
            deliver_outbox.apply_async(args=[list(ids)], retry=False, connection=conn)
    except Exception:  # any broker failure; the outbox keeps the work
        logger.warning("broker unavailable; %d email(s) left to the sweep", len(ids))
        return False
    return True
