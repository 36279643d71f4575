"""No index of Redress's own tables repeats another: a plain index whose
columns begin another index of the same table serves no lookup the longer
one does not, and costs space and a write on every insert and every update
that moves the row (at a million cases the repeats took about 200 MiB, the
timeline's alone 79). Django makes one for each foreign key unless told
`db_index=False`, so a new key beside an index that leads with it fails here.
"""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# Plain b-tree indexes on whole rows: (table, index, its columns by number).
INDEXES = """
SELECT t.relname, c.relname, i.indkey::text
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_am am ON am.oid = c.relam
WHERE am.amname = 'btree' AND i.indpred IS NULL AND i.indexprs IS NULL
  AND t.relname = ANY(%s)
  AND NOT EXISTS (
      SELECT 1 FROM unnest(i.indclass) k JOIN pg_opclass o ON o.oid = k
      WHERE o.opcname LIKE '%%pattern_ops')
"""


def own_tables() -> list[str]:
    """The tables of the project's own models (not Django's, nor a library's)."""
    root = Path(settings.BASE_DIR).resolve()
    return [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=False)
        if (path := Path(model._meta.app_config.path).resolve()).is_relative_to(root)
        and "site-packages" not in path.parts
    ]


def test_no_plain_index_repeats_the_first_columns_of_another():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indisunique"
        )
        unique = {name for (name,) in cursor.fetchall()}
        cursor.execute(INDEXES, [own_tables()])
        indexes = cursor.fetchall()
    assert len({table for table, _, _ in indexes}) > 20
    repeats = [
        f"{table}.{name} ({keys}) begins {other} ({longer})"
        for table, name, keys in indexes
        for same, other, longer in indexes
        if same == table
        and other != name
        and name not in unique
        and (longer == keys or longer.startswith(keys + " "))
    ]
    assert repeats == []
