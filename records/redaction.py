"""Redact the free text of a case's timeline events, in place.

The timeline is append-only (complaints migration 0003). Anonymisation after
retention is the one exception the law asks for (GDPR: erasure gives way to
the duty to keep records, so records are anonymised, not deleted): the
events' kinds, times, actors, codes, amounts and stages stay, so every figure
read from them (skips, stage moves) is unchanged; only the words people wrote
(reasons, apologies, summaries, edited texts, file names) become a
placeholder. On PostgreSQL the trigger lets an UPDATE through only while the
transaction-local setting `redress.redacting` is on (records migration 0003);
on SQLite the trigger is dropped and re-created inside the transaction.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, models

from complaints.models import Event

PLACEHOLDER = "[anonymised]"
# Keys whose string values are words someone wrote, wherever they appear in an
# event's `before`, `after` or `data` (CASE_EDITED carries the edited fields).
FREE_TEXT = frozenset(
    {
        "apology",
        "body",
        "counter_request",
        "customer_account",
        "customer_message",
        "decision_note",
        "description",
        "desired_outcome",
        "email",
        "filename",
        "name",
        "note",
        "phone",
        "reason",
        "restatement",
        "resolution_summary",
        "result_note",
        "skip_reason",
        "subject",
        "text",
        "title",
    }
)
SQLITE_TRIGGER = """
CREATE TRIGGER complaints_event_append_only BEFORE UPDATE ON complaints_event
BEGIN SELECT RAISE(ABORT, 'the case timeline is append-only'); END;
"""


def redact_json(value: Any, key: str | None = None) -> Any:
    """A copy of `value` with the strings under FREE_TEXT keys replaced."""
    if isinstance(value, dict):
        return {k: redact_json(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v, key) for v in value]
    if key in FREE_TEXT and isinstance(value, str) and value:
        return PLACEHOLDER
    return value


@contextmanager
def _redacting() -> Iterator[None]:
    """Let UPDATEs of events through, inside the current transaction only."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SET LOCAL redress.redacting = 'on'")
        elif vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS complaints_event_append_only")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute("SET LOCAL redress.redacting = 'off'")
            elif vendor == "sqlite":
                cursor.execute(SQLITE_TRIGGER)


def events_redact(case_ids: list[int]) -> int:
    """Redact the free text of the events of `case_ids`; return how many changed.

    Call inside the anonymiser's transaction.
    """
    changed = []
    rows = Event.objects.filter(case_id__in=case_ids).values_list(
        "pk", "before", "after", "data"
    )
    for pk, before, after, data in rows.iterator(chunk_size=500):
        new = (redact_json(before), redact_json(after), redact_json(data))
        if new != (before, after, data):
            changed.append((pk, *new))
    if not changed:
        return 0
    with _redacting():
        for pk, before, after, data in changed:
            # The base QuerySet.update: EventQuerySet refuses updates by design,
            # and this is the one sanctioned exception (see the module docstring).
            models.QuerySet.update(
                Event.objects.filter(pk=pk), before=before, after=after, data=data
            )
    return len(changed)
