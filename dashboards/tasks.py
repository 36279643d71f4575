"""Celery tasks of the dashboards: the nightly repair of stored durations."""

from celery import shared_task


@shared_task(acks_late=True)
def refresh_dashboard() -> int:
    """Recompute missing or stale case durations; return how many."""
    from dashboards.services import durations_refresh

    return durations_refresh()
