"""Make sent letters immutable in the database itself (CONTRACT §15).

PostgreSQL refuses an UPDATE that changes a letter's text, hash or PDF, and
any DELETE of a letter (TRUNCATE, an operator's tool, stays possible). The ORM
refuses both too (`regimes.models.LetterQuerySet`); on SQLite that is the only
guard (this migration is a no-op there).
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION regimes_letter_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a sent letter is never deleted (letter %)', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF NEW.body IS DISTINCT FROM OLD.body
       OR NEW.sha256 IS DISTINCT FROM OLD.sha256
       OR NEW.pdf IS DISTINCT FROM OLD.pdf
       OR NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256 THEN
        RAISE EXCEPTION 'a sent letter never changes (letter %)', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER regimes_letter_immutable
    BEFORE UPDATE OR DELETE ON regimes_letter
    FOR EACH ROW EXECUTE FUNCTION regimes_letter_immutable();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS regimes_letter_immutable ON regimes_letter;
DROP FUNCTION IF EXISTS regimes_letter_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("regimes", "0003_four_eyes_letter_approvals")]
    operations = [migrations.RunPython(forwards, backwards)]
