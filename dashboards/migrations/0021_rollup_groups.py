"""The rollup's filings per category and root cause in a column of their own.

On PostgreSQL the rows are written again with those keys moved (into a
fresh table, so the old versions leave no dead space); elsewhere (SQLite)
the next refresh rolls the rollup again.
"""

from django.db import migrations, models

GROUPED = "(key LIKE 'c:%%' OR key LIKE 'r:%%')"
MOVE = [
    "CREATE TEMPORARY TABLE rollup_copy AS SELECT * FROM dashboards_rollup",
    "TRUNCATE dashboards_rollup",
    f"""INSERT INTO dashboards_rollup (id, start, month, grain, team_id, counts, groups)
    SELECT id, start, month, grain, team_id,
        counts - coalesce((SELECT array_agg(key) FROM jsonb_each(counts)
                           WHERE {GROUPED}), '{{}}'),
        coalesce((SELECT jsonb_object_agg(key, value) FROM jsonb_each(counts)
                  WHERE {GROUPED}), '{{}}')
    FROM rollup_copy""",
    "DROP TABLE rollup_copy",
    "ANALYZE dashboards_rollup",
]


def move(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in MOVE:
            schema_editor.execute(statement, params=())
    else:
        marks = apps.get_model("dashboards", "RefreshMark").objects
        marks.filter(name="months").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0020_narrow_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="rollup",
            name="groups",
            field=models.JSONField(default=dict),
        ),
        migrations.RunPython(move, migrations.RunPython.noop),
    ]
