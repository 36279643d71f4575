"""Clamp dates stored before the bounds held (CONTRACT §11) into years 1900–2200.

A follow-up due `9999-12-31T23:30-14:00` was stored as year 10000, which Python
cannot even read back: every page that loaded it failed. The bounds now refuse
such input; this moves any such row already stored to the edge of the range.
"""

from django.db import migrations

CLAMP = [
    ("followups_followup", "due_at"),
    ("complaints_case", "occurred_at"),
]


def clamp(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table, column in CLAMP:
            cursor.execute(
                f"UPDATE {table} SET {column} = %s WHERE {column} > %s",  # noqa: S608
                ["2200-12-31 23:59:59+00:00", "2200-12-31 23:59:59+00:00"],
            )
            cursor.execute(
                f"UPDATE {table} SET {column} = %s WHERE {column} < %s",  # noqa: S608
                ["1900-01-01 00:00:00+00:00", "1900-01-01 00:00:00+00:00"],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0001_initial"),
        ("complaints", "0005_case_link_epochs"),
    ]
    operations = [migrations.RunPython(clamp, migrations.RunPython.noop)]
