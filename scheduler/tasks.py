"""Celery tasks for the time-driven engine: a thin interface to `scheduler.engine`."""

from celery import shared_task

from .engine import due_pass


@shared_task(acks_late=True, ignore_result=True)
def process_due() -> dict[str, int]:
    """Run one due pass as of now and queue delivery of what it wrote.

    Safe to run twice or concurrently: rows are claimed with SKIP LOCKED and
    each firing is stamped on its row in the same transaction.
    """
    report = due_pass(deliver="enqueue")
    return {"firings": report.firings, "requeued": report.requeued}
