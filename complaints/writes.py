"""Writing a new case with its reference and the rows that come with it.

`case_insert` is the only writer of a new case. The rows filed with it (its
timeline event, SLA and statutory clocks, an API client's filing echo) are
unsaved instances whose `case` is the new case. On PostgreSQL it is all one
statement: the year's reference counter, the case (with its reference) and
each table's rows as data-modifying CTEs, so a filing costs one round trip
and no second write of the case. Elsewhere (SQLite) the same rows are saved
one table at a time.

The reference counter's row stays locked from this statement to the commit
and so serialises concurrent filings; taking it in the filing's last write
keeps that span to the end of one statement and the commit. References stay
gapless per year (a rolled-back filing gives its number back).
"""

from collections import defaultdict
from collections.abc import Sequence

from django.db import connection
from django.db.models import Field, Model

from config.rows import insert_cte, row_sql, saved

from .models import Case, ReferenceCounter

REFERENCE_DIGITS = 6


def reference_format(year: int, number: int) -> str:
    """C-2026-000042: the year and the number, at least six digits."""
    return f"C-{year}-{number:0{REFERENCE_DIGITS}d}"


def reference_next(*, year: int) -> str:
    """Hand out the next case reference for `year`, e.g. C-2026-000042.

    Locks the year's counter row, so concurrent filings never share a number;
    call inside a transaction.
    """
    # One upsert takes the row lock and the number together (PostgreSQL and
    # SQLite both speak ON CONFLICT … RETURNING).
    with connection.cursor() as cursor:
        cursor.execute(_COUNTER_SQL, [year])
        number = cursor.fetchone()[0]
    return reference_format(year, number)


def case_insert(case: Case, rows: Sequence[Model], *, year: int) -> None:
    """Insert unsaved `case` with the next reference of `year`, then `rows`
    (unsaved, each pointing at `case`); set their primary keys.

    Call inside a transaction.
    """
    if connection.vendor == "postgresql":
        _insert_together(case, rows, year)
        return
    case.reference = reference_next(year=year)
    case.save(force_insert=True)
    for model_rows in _by_model(rows).values():
        field = _field_to(model_rows[0], case)
        for row in model_rows:
            setattr(row, field.name, case)  # now with its primary key
        type(model_rows[0]).objects.bulk_create(model_rows)


_COUNTER = connection.ops.quote_name(ReferenceCounter._meta.db_table)
_COUNTER_SQL = (
    f"INSERT INTO {_COUNTER} (year, last) VALUES (%s, 1) "  # noqa: S608 - fixed name
    f"ON CONFLICT (year) DO UPDATE SET last = {_COUNTER}.last + 1 RETURNING last"
)


def _insert_together(case: Case, rows: Sequence[Model], year: int) -> None:
    number = (
        "CASE WHEN last < 1000000 THEN lpad(last::text, 6, '0') ELSE last::text END"
    )
    reference = f"(SELECT 'C-{int(year)}-' || {number} FROM n)"  # noqa: S608
    columns, values, params = row_sql(case, bound={"reference": reference})
    table = connection.ops.quote_name(Case._meta.db_table)
    ctes = [
        f"n AS ({_COUNTER_SQL})",
        f"c AS (INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(values)}) RETURNING id, reference)",
    ]
    params = [year, *params]
    groups = _by_model(rows)
    arrays = []
    for index, model_rows in enumerate(groups.values()):
        field = _field_to(model_rows[0], case)
        sql, row_params = insert_cte(
            f"r{index}", model_rows, bound={field.attname: "(SELECT id FROM c)"}
        )
        ctes.append(sql)
        params += row_params
        arrays.append(f"ARRAY(SELECT id FROM r{index} ORDER BY id)")  # noqa: S608
    select = ", ".join(["c.id", "c.reference", *arrays])
    with connection.cursor() as cursor:
        # Every name is the models'; every value a parameter.
        sql = f"WITH {', '.join(ctes)} SELECT {select} FROM c"  # noqa: S608
        cursor.execute(sql, params)
        case_id, reference, *pks = cursor.fetchone()
    case.reference = reference
    saved([case], [case_id])
    for model_rows, ids in zip(groups.values(), pks, strict=True):
        field = _field_to(model_rows[0], case)
        saved(model_rows, ids)
        for row in model_rows:
            setattr(row, field.name, case)  # its id now, and still cached


def _by_model(rows: Sequence[Model]) -> dict[type, list[Model]]:
    groups: dict[type, list[Model]] = defaultdict(list)
    for row in rows:
        groups[type(row)].append(row)
    return dict(groups)


def _field_to(row: Model, case: Case) -> Field:
    """`row`'s foreign key holding `case`."""
    for field in row._meta.concrete_fields:
        if (
            field.is_relation
            and field.related_model is Case
            and field.get_cached_value(row, None) is case
        ):
            return field
    raise ValueError(f"{type(row).__name__} row does not point at the new case")
