"""Celery interface of email in: beat polls INBOUND_IMAP_URL when it is set."""

import logging
from collections.abc import Iterable
from typing import Any

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def poll_imap() -> dict[str, int]:
    """Take the unseen messages of the configured mailbox; return counts by outcome."""
    from notifications.outbox import outbox_publish_deferred

    from .services import inbound_email_ingest
    from .sources import SourceUnreadable, read_imap

    counts: dict[str, int] = {}
    url = settings.INBOUND_IMAP_URL
    if not url:
        return counts
    try:
        with outbox_publish_deferred():
            counts = _take(read_imap(url), inbound_email_ingest)
    except SourceUnreadable as exc:
        logger.warning("IMAP mailbox unreadable: %s", exc)
    return counts


def _take(items: Iterable[Any], ingest: Any) -> dict[str, int]:
    """Ingest each item, mark it taken, and count the outcomes."""
    counts: dict[str, int] = {}
    for item in items:
        outcome = "refused"
        if item.raw is not None:
            outcome = ingest(raw=item.raw, source=item.label).outcome
            if item.done is not None:
                try:
                    item.done()
                except Exception:  # stored already; a repeat is a duplicate
                    logger.warning("could not mark %s seen", item.label)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
