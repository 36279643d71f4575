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

from .metrics.filters import MetricsFilter

CASE_FIELDS = (
    "reference, created_at:filed_at, stage, priority, channel, category__slug:category, "
    "root_cause__slug:root_cause, team__slug:team, assignee__username:assignee, "
    "customer_id, subject, escalation_level, reopen_count, skipped_steps, "
    "first_response_at, resolved_at, closed_at, close_reason"
)
CASE_COLUMNS = CASE_FIELDS.split(", ")
HOURS = ("first_response", "resolution")  # business hours, from the facts
CHUNK = 2000


class _Echo:
    """A file-like object whose write returns the line instead of storing it."""

    def write(self, value: str) -> str:
        return value


def cases_csv(*, cases: QuerySet[Case], flt: MetricsFilter) -> StreamingHttpResponse:
    """The filtered cases filed in the period, oldest first."""
    rows = (
        cases.filter(created_at__gte=flt.lower, created_at__lt=flt.upper)
        .order_by("created_at", "pk")
        .values_list(
            *(c.split(":")[0] for c in CASE_COLUMNS),
            *(f"facts__{name}_seconds" for name in HOURS),
        )
        .iterator(chunk_size=CHUNK)
    )
    return stream_csv(
        f"cases-{flt.start}-{flt.end}.csv",
        [c.split(":")[-1] for c in CASE_COLUMNS]
        + [f"{name}_business_hours" for name in HOURS],
        (
            (*row[: -len(HOURS)], *(_hours(s) for s in row[-len(HOURS) :]))
            for row in rows
        ),
    )


def stream_csv(
    filename: str, header: list[str], rows: Iterable[Iterable[Any]]
) -> StreamingHttpResponse:
    """Stream `rows` under `header` as a CSV download."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _hours(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


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
