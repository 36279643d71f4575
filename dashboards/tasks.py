"""Celery tasks of the dashboards: the minute's refresh and the nightly rebuild."""

from celery import shared_task


@shared_task(acks_late=True)
def refresh_facts() -> int:
    """Rewrite the facts of the cases changed since the last refresh."""
    from dashboards.facts import facts_refresh

    return facts_refresh()


@shared_task(acks_late=True)
def refresh_dashboard() -> int:
    """Rewrite the facts of every case (calendars may have changed)."""
    from dashboards.facts import facts_rebuild

    return facts_rebuild()
