"""Celery tasks for notifications: a thin interface to `notifications.services`."""

from celery import shared_task
from django.db import DatabaseError

from .services import outbox_deliver_many


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    max_retries=3,
)
def deliver_outbox(ids: list[int]) -> dict[str, int]:
    """Deliver the pending emails among `ids`; rows already sent are skipped.

    Send failures are recorded on each row with a backoff (the due pass
    re-queues them). A lost database connection retries the task soon; the
    due pass's sweep is the backstop if that retry is lost too.
    """
    return outbox_deliver_many(ids=ids)
