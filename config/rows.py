"""Unsaved model rows as SQL, for writing several tables in one statement.

Django's `save()` and `bulk_create()` send one statement per table and spend
most of their time compiling it. A write that must insert a row and its
dependents together (a case with its clocks, timeline event and filing echo)
can instead chain them as data-modifying CTEs in one PostgreSQL statement:
`row_sql` turns an unsaved instance into its column list and value
expressions, with chosen columns bound to SQL (e.g. the id of the row a CTE
inserted), and `saved` marks the rows stored once the statement has run.

Values go through each field's `pre_save` and `get_db_prep_save`, as the ORM
sends them; a timestamp set already (`auto_now`/`auto_now_add`) is kept, so
rows written together can share one instant. Those two calls are identities
for a plain value in one of Django's own text, integer or boolean fields
(`PLAIN`): such a value is sent as it is, which spares a filing some two
hundred calls.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import DateField, Field, Model

_TEXT = frozenset({str, type(None)})
_WHOLE = frozenset({int, type(None)})
PLAIN: dict[type, frozenset[type]] = {
    models.CharField: _TEXT,
    models.TextField: _TEXT,
    models.EmailField: _TEXT,
    models.SlugField: _TEXT,
    models.BooleanField: frozenset({bool, type(None)}),
    **dict.fromkeys(
        (
            models.AutoField,
            models.BigAutoField,
            models.IntegerField,
            models.BigIntegerField,
            models.SmallIntegerField,
            models.PositiveIntegerField,
            models.PositiveSmallIntegerField,
            models.PositiveBigIntegerField,
        ),
        _WHOLE,
    ),
}
"""Django's own field classes (exactly: a subclass may convert) whose
`pre_save` and `get_db_prep_save` return a value of these types unchanged."""


def row_sql(
    row: Model, *, bound: Mapping[str, str] | None = None, cast: bool = False
) -> tuple[list[str], list[str], list[Any]]:
    """(columns, value expressions, params) of inserting unsaved `row`.

    `bound` maps a field's attname to the SQL expression that gives its value
    (used instead of the row's own). An unset auto primary key is left to the
    database. With `cast`, every parameter is cast to its column's type (for
    `INSERT … SELECT`, where PostgreSQL does not infer a literal's type).
    """
    db = connections[DEFAULT_DB_ALIAS]
    bound = bound or {}
    columns, values, params = [], [], []
    for field, column, stamped, db_type, plain in _layout(type(row), db):
        if field.primary_key and getattr(row, field.attname) is None:
            continue
        columns.append(column)
        if field.attname in bound:
            values.append(bound[field.attname])
            continue
        values.append(f"CAST(%s AS {db_type})" if cast else "%s")
        value = getattr(row, field.attname) if stamped or plain else None
        if type(value) in plain:
            params.append(value)
            continue
        if value is None:
            value = field.pre_save(row, add=True)
        params.append(field.get_db_prep_save(value, db))
    return columns, values, params


Layout = list[tuple[Field, str, bool, str, frozenset[type]]]
_layouts: dict[type, Layout] = {}


def _layout(model: type[Model], db) -> Layout:
    """Per model, once: (field, quoted column, keeps a set timestamp, type,
    the value types sent as they are)."""
    layout = _layouts.get(model)
    if layout is None:
        layout = _layouts[model] = [
            (
                field,
                db.ops.quote_name(field.column),
                isinstance(field, DateField) and (field.auto_now or field.auto_now_add),
                field.db_type(db),
                _plain(field),
            )
            for field in model._meta.concrete_fields
            if not getattr(field, "generated", False)
        ]
    return layout


def _plain(field: Field) -> frozenset[type]:
    """The value types `field` sends unchanged (none for most fields)."""
    if type(field) is models.ForeignKey:
        field = field.target_field
    return PLAIN.get(type(field), frozenset())


def insert_cte(
    name: str, rows: list[Model], *, bound: Mapping[str, str] | None = None
) -> tuple[str, list[Any]]:
    """`name AS (INSERT INTO … VALUES (…), … RETURNING pk)` for `rows` of one
    model, and its params."""
    model = rows[0]._meta
    tuples, params, columns = [], [], []
    for row in rows:
        columns, values, row_params = row_sql(row, bound=bound)
        tuples.append(f"({', '.join(values)})")
        params += row_params
    pk = connection.ops.quote_name(model.pk.column)
    sql = (
        f"{name} AS (INSERT INTO {connection.ops.quote_name(model.db_table)} "  # noqa: S608
        f"({', '.join(columns)}) VALUES {', '.join(tuples)} RETURNING {pk})"
    )
    return sql, params


def saved(rows: Iterable[Model], pks: Iterable[Any]) -> None:
    """Mark `rows` stored, with primary keys `pks` (in order)."""
    for row, pk in zip(rows, pks, strict=True):
        row.pk = pk
        row._state.adding = False
        row._state.db = connection.alias
