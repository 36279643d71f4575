"""Customers' phones searched by the suffixes of their digits (GIN, prefix match).

A phone's digits all share a few trigrams in a country ("+44 7700 …": 447,
770, 700), so the trigram index of 0010 found the customers holding "7700 901"
by rechecking tens of thousands of candidates (350 ms at 625,000 customers).
Here each phone is indexed as the set of its digits' suffixes of 4 or more
("447700900123", "47700900123", …, "0123"): a fragment of the digits is the
start of one of them, which a GIN index of lexemes finds by prefix
(`'7700901':*`), exactly and without a recheck. The function is the one
expression both the index and `complaints.search` use. PostgreSQL only;
SQLite search matches `icontains`.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION redress_phone_suffixes(phone text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_tsvector(coalesce(array_agg(substr(d, i)), '{}'))
    FROM (SELECT regexp_replace(phone, '\D', '', 'g') AS d) digits,
         generate_series(1, length(d) - 3) i
$$;
CREATE INDEX IF NOT EXISTS customer_phone_suffixes ON customers_customer
    USING gin (redress_phone_suffixes(phone::text));
DROP INDEX IF EXISTS customer_phone_digits_trgm;
"""
DROP = r"""
CREATE INDEX IF NOT EXISTS customer_phone_digits_trgm ON customers_customer
    USING gin ((regexp_replace(phone::text, '\D', '', 'g')) gin_trgm_ops);
DROP INDEX IF EXISTS customer_phone_suffixes;
DROP FUNCTION IF EXISTS redress_phone_suffixes(text);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0010_customer_phone_digits_trgm")]

    operations = [migrations.RunPython(create, drop)]
