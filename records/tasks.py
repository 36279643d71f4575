"""Celery tasks of the records room: the nightly anonymisation pass."""

from celery import shared_task


@shared_task(acks_late=True)
def anonymise_expired() -> int:
    """Anonymise what is past retention; return how many cases and customers."""
    from .jobs import anonymise_expired as run

    done = run()
    return done.cases + done.customers
