"""The case's full-text search document, kept by PostgreSQL triggers.

`complaints_case.search_document` is a weighted tsvector: A the reference and
subject, B the description and the customer's account, C the messages (both
customer-facing and internal), D the restatement and the customer's name,
email (also split at "@" and ".") and phone. Three triggers keep it current
whatever path writes (services, admin, email ingest, bulk SQL):

- a case row computes its own document when it is inserted, or updated with a
  changed searched field, a NULL document, or a document written from a stale
  copy;
- a message inserted, edited or deleted sets its case's document to NULL,
  which recomputes it;
- a customer whose name, email or phone changes does the same for their cases.

Existing rows are backfilled in batches, each committed on its own. On SQLite
the column stays NULL (search falls back to icontains there).
"""

import django.contrib.postgres.search
from django.db import migrations, transaction

BATCH = 5000

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION complaints_case_search_compute() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    cust record;
    msgs text;
BEGIN
    SELECT name, email, phone INTO cust
      FROM customers_customer WHERE id = NEW.customer_id;
    SELECT string_agg(body, ' ' ORDER BY id) INTO msgs
      FROM complaints_message WHERE case_id = NEW.id;
    -- Each part is cut to a bound so a huge text can never make the document
    -- exceed PostgreSQL's 1 MB tsvector limit (which would refuse the write).
    NEW.search_document :=
        setweight(to_tsvector('english', coalesce(NEW.reference, '') || ' '
            || left(coalesce(NEW.subject, ''), 1000)), 'A')
        || setweight(to_tsvector('english',
            left(coalesce(NEW.description, ''), 100000) || ' '
            || left(coalesce(NEW.customer_account, ''), 100000)), 'B')
        || setweight(to_tsvector('english', left(coalesce(msgs, ''), 200000)), 'C')
        || setweight(to_tsvector('english',
            left(coalesce(NEW.restatement, ''), 100000) || ' '
            || coalesce(cust.name, '') || ' ' || coalesce(cust.email, '') || ' '
            || translate(coalesce(cust.email, ''), '@.', '  ') || ' '
            || coalesce(cust.phone, '')), 'D');
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION complaints_case_search_stale() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'customers_customer' THEN
        UPDATE complaints_case SET search_document = NULL WHERE customer_id = NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE complaints_case SET search_document = NULL WHERE id = OLD.case_id;
    ELSE
        UPDATE complaints_case SET search_document = NULL WHERE id = NEW.case_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER case_search_insert BEFORE INSERT ON complaints_case
    FOR EACH ROW EXECUTE FUNCTION complaints_case_search_compute();
CREATE TRIGGER case_search_update BEFORE UPDATE ON complaints_case
    FOR EACH ROW WHEN (
        NEW.search_document IS NULL
        OR NEW.search_document IS DISTINCT FROM OLD.search_document
        OR NEW.reference IS DISTINCT FROM OLD.reference
        OR NEW.subject IS DISTINCT FROM OLD.subject
        OR NEW.description IS DISTINCT FROM OLD.description
        OR NEW.customer_account IS DISTINCT FROM OLD.customer_account
        OR NEW.restatement IS DISTINCT FROM OLD.restatement
        OR NEW.customer_id IS DISTINCT FROM OLD.customer_id
    ) EXECUTE FUNCTION complaints_case_search_compute();
CREATE TRIGGER message_search AFTER INSERT OR DELETE OR UPDATE OF body, visibility
    ON complaints_message
    FOR EACH ROW EXECUTE FUNCTION complaints_case_search_stale();
CREATE TRIGGER customer_search AFTER UPDATE OF name, email, phone
    ON customers_customer
    FOR EACH ROW WHEN (
        NEW.name IS DISTINCT FROM OLD.name
        OR NEW.email IS DISTINCT FROM OLD.email
        OR NEW.phone IS DISTINCT FROM OLD.phone
    ) EXECUTE FUNCTION complaints_case_search_stale();

CREATE INDEX IF NOT EXISTS case_search_document
    ON complaints_case USING gin (search_document);
CREATE INDEX IF NOT EXISTS customer_phone_trgm
    ON customers_customer USING gin ((UPPER(phone::text)) gin_trgm_ops);
"""

DROP = """
DROP INDEX IF EXISTS customer_phone_trgm;
DROP INDEX IF EXISTS case_search_document;
DROP TRIGGER IF EXISTS customer_search ON customers_customer;
DROP TRIGGER IF EXISTS message_search ON complaints_message;
DROP TRIGGER IF EXISTS case_search_update ON complaints_case;
DROP TRIGGER IF EXISTS case_search_insert ON complaints_case;
DROP FUNCTION IF EXISTS complaints_case_search_stale();
DROP FUNCTION IF EXISTS complaints_case_search_compute();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with transaction.atomic(using=schema_editor.connection.alias):
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(FUNCTIONS)
    backfill(schema_editor.connection)


def backfill(connection) -> None:
    """Compute every missing document, one committed batch of ids at a time."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(min(id), 0), coalesce(max(id), -1) FROM complaints_case"
        )
        low, high = cursor.fetchone()
        for start in range(low, high + 1, BATCH):
            with transaction.atomic(using=connection.alias):
                cursor.execute(
                    "UPDATE complaints_case SET search_document = NULL "
                    "WHERE id >= %s AND id < %s",
                    [start, start + BATCH],
                )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    # Not atomic: the backfill commits batch by batch on a large table.
    atomic = False

    dependencies = [
        ("complaints", "0005_case_link_epochs"),
        ("customers", "0002_external_refs_per_client"),
        ("api", "0003_case_search_trigram"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(create, drop),
    ]
