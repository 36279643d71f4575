"""The offers waiting for approval now (a few of all) by a partial index, so
the dashboard counts them without reading every offer; the facts no longer
need their filing index (periods read the rollup, today by `active_until`).
"""

from django.db import migrations

PENDING = (
    "CREATE INDEX IF NOT EXISTS dash_offer_pending ON complaints_offer (case_id) "
    "WHERE status = 'pending_approval'"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PENDING, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS dash_offer_pending", params=None)


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0014_day_rollup")]

    operations = [
        migrations.RemoveIndex(model_name="casefacts", name="casefacts_filed"),
        migrations.RunPython(forwards, backwards),
    ]
