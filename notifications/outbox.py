"""Handing outbox rows to the worker: after commit, never failing the caller.

Services write the rows; this queues `tasks.deliver_outbox` for them, and the
task calls back into `services` to send. Kept apart from `services` so the two
never import each other.
"""

import logging

from django.db import transaction

from .tasks import deliver_outbox

logger = logging.getLogger(__name__)

PUBLISH_TIMEOUT = 2.0
"""Seconds a publish may wait for the broker before giving up (work stays queued)."""


def outbox_enqueue_on_commit(ids: list[int]) -> None:
    """After the current transaction commits, queue delivery of these emails."""
    if ids:
        transaction.on_commit(lambda: outbox_publish(ids))


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
