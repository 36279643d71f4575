"""Make the timeline append-only in the database itself.

PostgreSQL refuses UPDATE and DELETE of event rows (TRUNCATE, an operator's
tool, stays possible); SQLite refuses UPDATE.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION complaints_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the case timeline is append-only (% refused)', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER complaints_event_append_only
    BEFORE UPDATE OR DELETE ON complaints_event
    FOR EACH ROW EXECUTE FUNCTION complaints_event_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS complaints_event_append_only ON complaints_event;
DROP FUNCTION IF EXISTS complaints_event_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER complaints_event_append_only BEFORE UPDATE ON complaints_event
BEGIN SELECT RAISE(ABORT, 'the case timeline is append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS complaints_event_append_only;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
