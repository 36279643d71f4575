"""A partial index on the few timeline events that are skips (PostgreSQL only).

The dashboard's "which steps were skipped" table reads them by period; without
it PostgreSQL walks the events of every case that ever skipped.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS dash_event_skip ON complaints_event (created_at) "
    "INCLUDE (case_id) WHERE kind = 'stage_changed' "
    "AND (data -> 'move') = '\"skip\"'::jsonb"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS dash_event_skip", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0002_refreshmark"),
        ("complaints", "0004_case_api_client"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
