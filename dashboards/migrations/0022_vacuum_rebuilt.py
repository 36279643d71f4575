"""Vacuum the tables 0020 and 0021 wrote afresh (PostgreSQL only).

A table filled in one go has an empty visibility map until it is vacuumed,
so its index-only scans (the open cases per team, the unhappy customers)
read the table too: ten times slower until autovacuum comes round. VACUUM
cannot run in a transaction, hence a migration of its own.
"""

from django.db import migrations


def vacuum(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "VACUUM (ANALYZE) dashboards_casefacts, dashboards_rollup", params=None
        )


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("dashboards", "0021_rollup_groups"),
    ]

    operations = [
        migrations.RunPython(vacuum, migrations.RunPython.noop, atomic=False),
    ]
