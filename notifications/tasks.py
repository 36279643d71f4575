"""Celery tasks for notifications: a thin interface to `notifications.services`."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def deliver_outbox(ids: list[int]) -> dict[str, int]:
    """Deliver the pending emails among `ids`; rows already sent are skipped.

    Failures are recorded on each row with a backoff (the due pass re-queues
    them), so the task itself does not retry and never raises for a send error.
    """
    from .services import outbox_deliver_many

    return outbox_deliver_many(ids=ids)
