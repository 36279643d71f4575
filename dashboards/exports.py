"""CSV exports of the dashboard: the filtered cases (streamed) and each table.

Rows are written as they are read (`StreamingHttpResponse` over a chunked
iterator), so a large export never sits in memory. Cells that a spreadsheet
would run as a formula are prefixed with an apostrophe.
"""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from complaints.models import Case

from .metrics import MetricsFilter
from .metrics.tables import Table

CASE_COLUMNS: list[tuple[str, str]] = [
    ("reference", "reference"),
    ("created_at", "filed_at"),
    ("stage", "stage"),
    ("priority", "priority"),
    ("channel", "channel"),
    ("category__slug", "category"),
    ("root_cause__slug", "root_cause"),
    ("team__slug", "team"),
    ("assignee__username", "assignee"),
    ("customer_id", "customer_id"),
    ("subject", "subject"),
    ("escalation_level", "escalation_level"),
    ("reopen_count", "reopen_count"),
    ("skipped_steps", "skipped_steps"),
    ("first_response_at", "first_response_at"),
    ("resolved_at", "resolved_at"),
    ("closed_at", "closed_at"),
    ("close_reason", "close_reason"),
    ("facts__first_response_seconds", "first_response_business_hours"),
    ("facts__resolution_seconds", "resolution_business_hours"),
]
CHUNK = 2000


class _Echo:
    """A file-like object whose write returns the line instead of storing it."""

    def write(self, value: str) -> str:
        return value


def cases_for_export(*, cases: QuerySet[Case], flt: MetricsFilter) -> QuerySet:
    """The filtered cases filed in the period, oldest first, as value tuples."""
    return (
        cases.filter(created_at__gte=flt.lower, created_at__lt=flt.upper)
        .order_by("created_at", "pk")
        .values_list(*(field for field, _ in CASE_COLUMNS))
    )


def case_rows(rows: Iterable[tuple]) -> Iterator[list[Any]]:
    hours_from = len(CASE_COLUMNS) - 2
    for row in rows:
        cells = list(row)
        for i in range(hours_from, len(cells)):
            cells[i] = round(cells[i] / 3600, 2) if cells[i] is not None else ""
        yield cells


def stream_csv(
    filename: str, header: list[str], rows: Iterable[list[Any]]
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def cases_csv(*, cases: QuerySet[Case], flt: MetricsFilter) -> StreamingHttpResponse:
    rows = cases_for_export(cases=cases, flt=flt).iterator(chunk_size=CHUNK)
    return stream_csv(
        f"cases-{flt.start}-{flt.end}.csv",
        [name for _, name in CASE_COLUMNS],
        case_rows(rows),
    )


def table_csv(table: Table, flt: MetricsFilter) -> StreamingHttpResponse:
    return stream_csv(
        f"{table.name}-{flt.start}-{flt.end}.csv", table.header(), table.values()
    )


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        if hasattr(value, "tzinfo") and value.tzinfo is not None:
            value = timezone.localtime(value)
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
