"""The offers made and the follow-ups completed, found by a plain index on
their time (PostgreSQL only).

Migration 0013 gave both a covering index carrying every column their
figures read, so a period's item figures were index-only scans. The rollup
holds every past day since, so those scans serve only today, the rollup's
own nightly day, and a period filtered by category, priority or channel
(read from the facts alone). At a million cases the covering indexes took
84 and 63 MiB, a plain one on the same time 24 and 21 MiB, and the rows it
finds lie in filing order beside each other: reading them costs a filtered
90 days no time outside the noise of repeated runs. Every new offer and every
completed follow-up writes the narrower index. Built and dropped
concurrently: offers and follow-ups go on being written meanwhile.
"""

from django.db import migrations

COVERING = {
    "dash_offer_made": (
        "complaints_offer (created_at) "
        "INCLUDE (id, case_id, status, kind, currency, needed_approval, amount)"
    ),
    "dash_followup_done": (
        "followups_followup (completed_at) "
        "INCLUDE (id, case_id, status, csat, outcome) WHERE completed_at IS NOT NULL"
    ),
}
PLAIN = {
    "dash_offer_created": "complaints_offer (created_at)",
    "dash_followup_completed": (
        "followups_followup (completed_at) WHERE completed_at IS NOT NULL"
    ),
}


def _swap(schema_editor, add: dict[str, str], drop: dict[str, str]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, target in add.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {target}", params=None
        )
    for name in drop:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}", params=None)


def forwards(apps, schema_editor):
    _swap(schema_editor, PLAIN, COVERING)


def backwards(apps, schema_editor):
    _swap(schema_editor, COVERING, PLAIN)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("dashboards", "0024_case_indexes_dropped")]
    operations = [migrations.RunPython(forwards, backwards)]
