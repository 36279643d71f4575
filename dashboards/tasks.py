"""Celery tasks of the dashboards: the nightly repair and the rollup refresh."""

from celery import shared_task


@shared_task(acks_late=True)
def refresh_dashboard() -> int:
    """Recompute missing or stale case durations and rebuild the rollups."""
    from dashboards.rollups.refresh import rollups_enabled, rollups_rebuild
    from dashboards.services import durations_refresh

    done = durations_refresh()
    if rollups_enabled():
        rollups_rebuild()
    return done


@shared_task(acks_late=True)
def refresh_rollups() -> int:
    """Fold the cases changed since the last refresh into the rollups."""
    from dashboards.rollups.refresh import rollups_enabled, rollups_refresh

    # Skip a turn rather than queue behind a refresh that is still running.
    return rollups_refresh(wait=False).days if rollups_enabled() else 0
