"""Trigram indexes for the list's `q` search (PostgreSQL only; a no-op elsewhere).

`q` matches with `icontains`, which PostgreSQL runs as
`UPPER(col::text) LIKE UPPER(%q%)`; a GIN index over that same expression with
`gin_trgm_ops` turns the scan of 100,000 cases into a bitmap index lookup.
"""

from django.db import migrations

INDEXES = [
    ("api_case_reference_trgm", "complaints_case", "reference"),
    ("api_case_subject_trgm", "complaints_case", "subject"),
    ("api_case_description_trgm", "complaints_case", "description"),
    ("api_customer_name_trgm", "customers_customer", "name"),
    ("api_customer_email_trgm", "customers_customer", "email"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_idempotency_key"),
        ("complaints", "0004_case_api_client"),
        ("customers", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
