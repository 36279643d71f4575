"""One due pass over everything time-driven: deadlines, follow-ups, the outbox.

`due_pass` is what the beat task (`scheduler.tasks.process_due`) and the
`process_due` command both run. Beat only ticks: the database says what is
due, so a lost tick, a restarted broker or two beats running by mistake cost
nothing and double nothing.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

from django.utils import timezone

from notifications.outbox import outbox_publish
from notifications.services import (
    STALE_AFTER,
    outbox_deliver_many,
    outbox_requeue_stale,
)

from .deadlines import PassCache, PassReport, deadlines_fire_batch
from .followups import followups_fire_batch

Delivery = Literal["enqueue", "inline", "none"]
BatchFirer = Callable[..., tuple[int, list[int]]]
_registered: list[BatchFirer] = []


def due_batch_register(fire: BatchFirer) -> None:
    """Add a batch firer to every due pass (an app's `AppConfig.ready()`).

    `fire(now=, limit=, report=, cache=, enqueue=)` claims and fires up to
    `limit` due rows (see `sla.due.fire_batch`) and returns how many it claimed
    and the outbox ids written. `regimes` registers its statutory clocks so.
    """
    if fire not in _registered:
        _registered.append(fire)


BATCH_SIZE = 500
MAX_BATCHES = 200
PUBLISH_CHUNK = 500


def due_pass(
    *,
    now: datetime | None = None,
    deliver: Delivery = "enqueue",
    batch_size: int = BATCH_SIZE,
    stale_after: timedelta = STALE_AFTER,
) -> PassReport:
    """Fire everything due at `now` (default: the current time) exactly once.

    `deliver`: `enqueue` hands new and stale outbox rows to the worker after
    each batch commits (the beat task); `inline` sends them before returning
    (the command, tests, benchmarks); `none` leaves them to a later pass.
    Emails pending and not queued for `stale_after` are queued (or sent) again.
    """
    now = now or timezone.now()
    report = PassReport(at=now)
    cache = PassCache()
    written: list[int] = []
    for fire in (deadlines_fire_batch, followups_fire_batch, *_registered):
        for _ in range(MAX_BATCHES):
            claimed, ids = fire(
                now=now,
                limit=batch_size,
                report=report,
                cache=cache,
                enqueue=deliver == "enqueue",
            )
            written += ids
            if claimed < batch_size:
                break
    stale = outbox_requeue_stale(stale_after=stale_after) if deliver != "none" else []
    report.requeued = len(stale)
    if deliver == "enqueue":
        for start in range(0, len(stale), PUBLISH_CHUNK):
            outbox_publish(stale[start : start + PUBLISH_CHUNK])
    elif deliver == "inline":
        report.delivered = outbox_deliver_many(ids=dict.fromkeys(written + stale))
    return report
