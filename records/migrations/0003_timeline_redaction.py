"""Let the anonymiser (and only it) redact timeline events in place.

The timeline stays append-only (complaints migration 0003): UPDATE and DELETE
are refused, except an UPDATE made while the transaction-local setting
`redress.redacting` is `on`, which only `records.redaction` sets, for the
length of one anonymisation. DELETE stays refused always. SQLite (the demo)
has no such setting; there the anonymiser drops and re-creates the trigger
inside its own transaction.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION complaints_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND coalesce(current_setting('redress.redacting', true), '') = 'on' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the case timeline is append-only (% refused)', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""
PG_DOWN = """
CREATE OR REPLACE FUNCTION complaints_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the case timeline is append-only (% refused)', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0002_seed_retention_rules"),
        ("complaints", "0003_timeline_append_only"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
