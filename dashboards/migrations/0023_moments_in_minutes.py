"""The facts' moments in four bytes: whole minutes since 1970 (`Moment`).

On PostgreSQL the table is rewritten once, every moment converted in place
(rounded down to its minute, and held within the range a `Moment` keeps);
elsewhere (SQLite) the facts and the refresh marks are emptied and each
column altered as Django alters one: the next refresh, finding no mark,
rebuilds every row and the rollup. Then the table is vacuumed, as 0022 did.
"""

from django.db import migrations

import dashboards.models

MOMENTS = (
    *("filed_at", "active_until", "first_response_at", "resolved_at", "closed_at"),
    *("fr_on_time_at", "fr_missed_at", "res_on_time_at", "res_missed_at"),
    *("escalated_1_at", "escalated_2_at", "first_apology_at", "first_offer_at"),
    *("csat_after_at", "unhappy_at"),
)
NULLABLE = set(MOMENTS) - {"filed_at", "active_until"}
# The minutes a Moment holds (dashboards.models, as of this migration).
FIRST, LAST = -1035591840, 2**31 - 1


def _minutes(name: str) -> str:
    """SQL: `name` in whole minutes, held in range (NULL stays NULL: least
    and greatest would pass over it)."""
    minutes = f"floor(extract(epoch FROM {name}) / 60)"
    held = f"least(greatest({minutes}, {FIRST}), {LAST})::integer"
    return f"CASE WHEN {name} IS NULL THEN NULL ELSE {held} END"


class MomentsToMinutes(migrations.operations.base.Operation):
    """Alter every moment column to a `Moment`: one rewrite on PostgreSQL."""

    reduces_to_sql = True
    reversible = True

    def __init__(self):
        self.fields = [
            migrations.AlterField(
                "casefacts",
                name,
                dashboards.models.Moment(null=True, blank=True)
                if name in NULLABLE
                else dashboards.models.Moment(),
            )
            for name in MOMENTS
        ]

    def deconstruct(self):
        return self.__class__.__name__, [], {}

    def state_forwards(self, app_label, state):
        for field in self.fields:
            field.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._alter(app_label, schema_editor, from_state, forwards=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._alter(app_label, schema_editor, to_state, forwards=False)

    def _alter(self, app_label, schema_editor, before, *, forwards):
        """Before: the state without the Moments (forwards from it, or
        backwards to it)."""
        if schema_editor.connection.vendor == "postgresql":
            columns = ", ".join(
                f"ALTER COLUMN {name} TYPE integer USING {_minutes(name)}"
                if forwards
                else f"ALTER COLUMN {name} TYPE timestamp with time zone"
                f" USING TIMESTAMPTZ 'epoch' + {name} * INTERVAL '1 minute'"
                for name in MOMENTS
            )
            schema_editor.execute(f"ALTER TABLE dashboards_casefacts {columns}")
            return
        if forwards:  # (SQLite would keep the old text in the new columns)
            schema_editor.execute("DELETE FROM dashboards_casefacts")
            schema_editor.execute("DELETE FROM dashboards_refreshmark")
        state = before.clone()
        for field in self.fields:
            old = state.clone()
            field.state_forwards(app_label, state)
            if forwards:
                field.database_forwards(app_label, schema_editor, old, state)
            else:
                field.database_backwards(app_label, schema_editor, state, old)

    def describe(self):
        return "Store the facts' moments as whole minutes since 1970"


def vacuum(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("VACUUM (ANALYZE) dashboards_casefacts", params=None)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("dashboards", "0022_vacuum_rebuilt"),
    ]

    operations = [
        MomentsToMinutes(),
        migrations.RunPython(vacuum, migrations.RunPython.noop, atomic=False),
    ]
