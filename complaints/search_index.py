"""Reading a search's matches at scale (PostgreSQL): the newest first, or by index.

`complaints.search` says what matches (the document, a part of the reference,
the customers a fragment names: alternatives, any of which will do); this
module reads them. The planner cannot tell a rare word from a common one, so
`newest_matching` probes the newest cases first, and reads a rare text's
matches from its indexes only.
"""

import operator
from collections.abc import Iterator
from contextlib import contextmanager
from functools import reduce

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    Lookup,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL

from .models import Case

# A text matching COMMON of the newest PROBE cases is common (see
# `newest_matching`).
PROBE, COMMON = 1000, 50
# Bitmap index scans only; no parallel workers and no JIT: a few hundred rows
# are not worth starting processes or compiling for (the planner's estimate of
# a bitmap scan of 1M cases passes jit_above_cost: 90 ms of compiling).
PLAN_SETTINGS = {
    "enable_indexscan": "off",
    "enable_indexonlyscan": "off",
    "enable_seqscan": "off",
    "max_parallel_workers_per_gather": "0",
    "jit": "off",
}


class Among(Lookup):
    """`column = ANY(%s)`: ids sent as one array parameter (PostgreSQL).

    `pk__in=ids` makes one parameter per id, which Django compiles one by one
    (a window of 500 ids, a fragment's 1,000 customers) on every query. A
    literal array is also hashed where it is tested row by row (the probe),
    once it is `bigint[]` like the column (an integer array was compared one
    by one: 8 ms per 1,000 rows). Sent as one literal (`id_array`).
    """

    lookup_name = "among"
    prepare_rhs = False
    template = "{lhs} = ANY(%s::bigint[])"

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return self.template.format(lhs=lhs), (*params, id_array(self.rhs))


class AmongKeys(Among):
    """`Among` behind a sub-select, for lists of case ids: the planner sees one
    value, so it reads those rows by key and sorts them, rather than weighing
    each id (up to 2,000) and sometimes walking every case newest first to
    meet them (100 ms at 100,000 cases)."""

    template = "{lhs} = ANY((SELECT %s::bigint[])::bigint[])"


def among(column: str, ids: list[int]) -> Among:
    return Among(F(column), ids)


def keys(ids: list[int]) -> AmongKeys:
    return AmongKeys(F("pk"), ids)


def in_ids(ids: list[int]) -> Q:
    """`id IN (SELECT unnest(array))`: a set PostgreSQL reads by key, or
    hashes where other ids lead. As `keys` beside another such list (a small
    inbox queue's ids and a rare word's matches), each row was compared with
    every id of the other in turn (20,000 by 2,000 ids: seconds)."""
    if connection.vendor != "postgresql":
        return Q(pk__in=list(ids))
    return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (id_array(ids),)))


def id_array(ids) -> str:
    """`ids` as one PostgreSQL array literal (`{1,2,3}`), cast where it is used.

    psycopg2 adapts a list element by element into `ARRAY[1, 2, ...]`: 8 ms
    for a small queue's 7,000 ids, sent for every query that reads them by
    key; the literal is built in 1 ms and parsed by the server at once.
    """
    return "{" + ",".join(str(int(pk)) for pk in ids) + "}"


def any_of(match: list[Q]) -> Q:
    return reduce(operator.or_, match)


def newest_matching(
    cases: QuerySet[Case],
    match: list[Q],
    *,
    limit: int,
    deciding: bool = False,
    newest: list[int] | None = None,
) -> tuple[list[int], bool]:
    """The ids of the newest `limit` of `cases` that match any of `match`, and
    whether the text is common. `deciding`: the caller needs only to know
    whether it is common (the newest cases are read until `COMMON` match).

    The planner cannot tell a rare word from a common one well enough: walking
    the newest cases until enough match is instant for a common word and reads
    the whole table for a rare one. So: look among the newest `PROBE` cases
    first, newest first, stopping at `limit` matches; if `COMMON` of them
    match, the window is there. If `cases` are fewer than `PROBE`, the probe
    saw them all and its hits are every match. Otherwise the text is rare, and its matches
    come from the GIN and trigram indexes only (bitmap scans, never the
    created_at walk), then newest first.

    `newest`: the ids of `cases`, all of them and newest first, if the caller
    holds them (a small inbox queue): the probe reads the first `PROBE` by key
    rather than sorting every one of `cases` by its creation, and a match is
    among `cases` if its id is in that list (one hashed array).
    """
    probed = cases if newest is None else Case.objects.filter(keys(newest[:PROBE]))
    rows = _rows(probed.order_by("-created_at", "-id"), hit=any_of(match))[:PROBE]
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        # The newest cases stream in order: `match` is tested only until
        # `limit` of them matched.
        stop = min(COMMON, limit) if deciding else limit
        cursor.execute(_NEWEST_HITS.format(rows=sql), (*params, stop))
        recent = [row[0] for row in cursor.fetchall()]
    if len(recent) >= min(COMMON, limit):
        return recent, True
    if (
        (len(newest) < PROBE)
        if newest is not None
        else (cases.order_by()[:PROBE].count() < PROBE)
    ):
        # The probe read every one of `cases` (an inbox queue, a lead's few
        # cases): its hits are all the matches. The index path would read
        # every match in the table, however few of them are among `cases`
        # (a common word in a small queue: 6 s at 1M cases).
        return recent, False
    among = None if newest is None else Among(F("pk"), newest)
    return _by_index_only(cases, match, limit=limit, among=among), False


# `rows` yields n_id, n_at (created) and n_hit; the newest `limit` hits.
_NEWEST_HITS = (
    "SELECT n_id FROM ({rows}) n WHERE n_hit ORDER BY n_at DESC, n_id DESC LIMIT %s"
)


def _rows(cases: QuerySet[Case], *, hit) -> QuerySet:
    """`cases` as n_id, n_at and n_hit (a condition tested on each row)."""
    return cases.annotate(
        n_id=F("pk"),
        n_at=F("created_at"),
        n_hit=ExpressionWrapper(hit, output_field=BooleanField()),
    ).values("n_id", "n_at", "n_hit")


def _by_index_only(
    cases: QuerySet[Case], match: list[Q], *, limit: int, among=None
) -> list[int]:
    """The newest `limit` of `cases` that match any of `match`, read by bitmap
    index scans of the alternatives only, in one round trip.

    Each alternative is its own scan (a UNION): in one OR, a row that a
    trigram index only may match is rechecked against the whole OR, reading
    its document too (3,700 documents for "333333" at 1M cases). Whether a
    match is among `cases` is then asked of that row alone: otherwise the
    planner ANDs the bitmaps with that of a lead's teams and Triage (400,000
    entries at 1M cases) to find a few hundred rows.

    SET LOCAL only holds inside a transaction (a request runs in autocommit),
    and lasts until it ends: it is sent with the query, and reset after only
    inside a caller's transaction, where it would otherwise outlive this query.
    `among`: that question asked otherwise (`newest_matching`).
    """
    if among is None and cases.query.has_filters():
        among = Exists(cases.filter(pk=OuterRef("pk")))
    elif among is None:
        among = Value(True)
    first, *others = [
        _rows(Case.objects.filter(q).order_by(), hit=among) for q in match
    ]
    rows = first.union(*others) if others else first
    sql, params = rows.query.sql_with_params()
    # OFFSET 0: the planner may not push `n_hit` into the scans (as a join).
    sql = f"SELECT * FROM ({sql}) m OFFSET 0"  # noqa: S608 - compiled
    plan = "; ".join(f"SET LOCAL {k} = {v}" for k, v in PLAN_SETTINGS.items())
    outer = connection.in_atomic_block
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(f"{plan}; " + _NEWEST_HITS.format(rows=sql), (*params, limit))
        ids = [row[0] for row in cursor.fetchall()]
        if outer:  # (a failed query rolls the caller's transaction back anyway)
            cursor.execute("; ".join(f"RESET {k}" for k in PLAN_SETTINGS))
    return ids


def matching_by_index(match: list[Q], *, among_ids: list[int], limit: int) -> list[int]:
    """The newest `limit` cases among `among_ids` that match any of `match`,
    read from the text's indexes only (a rare text: see `_by_index_only`),
    each tested against the ids as one hashed array."""
    return _by_index_only(
        Case.objects.none(), match, limit=limit, among=Among(F("pk"), among_ids)
    )


@contextmanager
def planner_settings(**settings: str) -> Iterator[None]:
    """Run the queries inside under these planner settings (PostgreSQL).

    As in `_by_index_only`, SET LOCAL needs a transaction and is reset after
    only inside a caller's, where it would otherwise outlive the block.
    """
    if connection.vendor != "postgresql":
        yield
        return
    outer = connection.in_atomic_block
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(
                "; ".join(f"SET LOCAL {k} = {v}" for k, v in settings.items())
            )
        yield
        if outer:
            with connection.cursor() as cursor:
                cursor.execute("; ".join(f"RESET {k}" for k in settings))


def without_jit():
    """No JIT compiling: a list sorted and cut to a page from a common word's
    matches is estimated past `jit_above_cost` and compiled for 0.5 s at 1M
    cases, to read 26 rows."""
    return planner_settings(jit="off")
