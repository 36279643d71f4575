"""Dropping the index Django made for a field, without holding writes up.

Django drops a field's own index (`db_index` turned off) by dropping and
adding back the field's foreign key, which PostgreSQL then checks against
every row while writes to the table wait: long at millions of timeline
events. `field_index_dropped` changes the field in Django's state and drops
its indexes (the plain one, and a text column's `_like` twin) concurrently
instead; its migration must be `atomic = False`.
"""

import copy

from django.db import migrations
from django.db.models import Field


def field_index_dropped(
    app_label: str, model_name: str, name: str, field: Field
) -> migrations.SeparateDatabaseAndState:
    """`AlterField` to `field` (its `db_index` off), dropping the old index."""

    def forwards(apps, schema_editor) -> None:
        model = apps.get_model(app_label, model_name)
        table, column = model._meta.db_table, model._meta.get_field(name).column
        how = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
        for suffix in ("", "_like"):
            index = schema_editor._create_index_name(table, [column], suffix=suffix)
            schema_editor.execute(
                f"DROP INDEX {how}IF EXISTS {schema_editor.quote_name(index)}",
                params=None,
            )

    def backwards(apps, schema_editor) -> None:
        model = apps.get_model(app_label, model_name)
        indexed = copy.copy(model._meta.get_field(name))
        indexed.db_index = True
        for statement in schema_editor._field_indexes_sql(model, indexed):
            schema_editor.execute(statement)

    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AlterField(model_name=model_name, name=name, field=field)
        ],
        database_operations=[migrations.RunPython(forwards, backwards)],
    )
