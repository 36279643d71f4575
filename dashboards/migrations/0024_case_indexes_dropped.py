"""The dashboards' covering indexes on the cases table, dropped (PostgreSQL only).

The figures per offer, follow-up and skip now take their case's dimensions
from its facts (joined by key), and the repeat complainants of a period
count the facts' filings, so the three indexes the dashboards had added to
`complaints_case` (migrations 0005 and 0013) serve no reading any more. At a
million cases they took 183 MiB beside the 238 MiB of case rows, and every
filing and every change of a case wrote to them. Dropped concurrently:
filings and changes go on meanwhile.
"""

from django.db import migrations

INDEXES = {
    "dash_case_created": (
        "complaints_case (created_at) "
        "INCLUDE (id, customer_id, team_id, category_id, priority, channel)"
    ),
    "dash_case_dims": (
        "complaints_case (id) INCLUDE (assignee_id, root_cause_id, customer_id, "
        "team_id, category_id, priority, channel)"
    ),
    "dash_case_team": "complaints_case (team_id, id)",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(
                f"DROP INDEX CONCURRENTLY IF EXISTS {name}", params=None
            )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, target in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {target}", params=None
            )


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("dashboards", "0023_moments_in_minutes")]
    operations = [migrations.RunPython(forwards, backwards)]
