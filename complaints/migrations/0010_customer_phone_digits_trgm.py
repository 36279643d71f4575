"""A trigram index on the digits of customers' phones, for global search.

"7700900123", "07700 900 123" and "+44 (7700) 900-123" share their digits: search
matches a phone-like fragment on `regexp_replace(phone, '\\D', '', 'g')`, which
this index serves (`complaints.search_customers`). PostgreSQL only; SQLite
search matches `icontains`.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS customer_phone_digits_trgm ON customers_customer "
    "USING gin ((regexp_replace(phone::text, '\\D', '', 'g')) gin_trgm_ops)"
)
DROP = "DROP INDEX IF EXISTS customer_phone_digits_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0009_merge_search"),
        ("customers", "0002_external_refs_per_client"),
    ]

    operations = [migrations.RunPython(create, drop)]
