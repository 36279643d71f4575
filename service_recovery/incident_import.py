"""Link an incident's customers from a CSV of customer emails or external refs.

A manager uploads a file (the incident page or
`POST /api/v1/incidents/{id}/customers/import/`). The whole file is bounded
(`IMPORT_MAX_BYTES`, `IMPORT_MAX_ROWS`: over either, nothing is linked and the
upload is refused); within it every row is judged on its own and reported:

- `linked`: its customer(s) joined the incident;
- `unknown`: nobody the manager may see has that address or ref (or a ref
  names several customers across API clients, which only an email settles);
- `duplicate`: the value came earlier in the file, or its customer(s) were
  linked to the incident already;
- `invalid`: not an address nor a storable ref (empty cell, control
  characters, too long, a malformed address).

A bad row never stops the others. The first cell of each row is read; a first
row naming a column (`email`, `external_ref` …) is a header and skipped. Who
may be resolved is `customers.selectors` (`customers_by_email`,
`customers_by_ref`): the manager's visibility, across every client's refs.
"""

import csv
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from complaints.actors import as_actor
from complaints.bounds import text_problem
from customers.selectors import customers_by_email, customers_by_ref

from .incidents import IncidentRefused, link_customer_ids, lock_open
from .models import Incident

IMPORT_MAX_BYTES = 1024 * 1024
IMPORT_MAX_ROWS = 5000
REF_MAX = 100
EMAIL_MAX = 254
HEADERS = frozenset(
    {"email", "emails", "e-mail", "external_ref", "ref", "customer", "customers"}
)

LINKED, UNKNOWN, DUPLICATE, INVALID = "linked", "unknown", "duplicate", "invalid"
OUTCOMES = (LINKED, UNKNOWN, DUPLICATE, INVALID)


@dataclass(frozen=True)
class RowReport:
    """What became of one row of the file (`row` counts lines from 1)."""

    row: int
    value: str
    outcome: str
    detail: str = ""
    customers: tuple[int, ...] = ()


@dataclass
class ImportReport:
    """Every row's outcome, in file order, and their counts."""

    rows: list[RowReport] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(r.outcome for r in self.rows)
        return {outcome: found[outcome] for outcome in OUTCOMES}

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "rows": [
                {
                    "row": r.row,
                    "value": r.value,
                    "outcome": r.outcome,
                    "detail": r.detail,
                    "customers": list(r.customers),
                }
                for r in self.rows
            ],
        }


def _refuse(detail: str) -> IncidentRefused:
    return IncidentRefused(detail, ["file"])


def csv_cells(data: bytes) -> list[tuple[int, str | None]]:
    """The first cell of each non-blank line as (line number, text); None for a
    line the CSV reader cannot read. Raise IncidentRefused (`file`) for a file
    over the bounds or not UTF-8 text.
    """
    if len(data) > IMPORT_MAX_BYTES:
        raise _refuse(f"The file is over {IMPORT_MAX_BYTES} bytes.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("The file is not UTF-8 text (save it as CSV UTF-8).") from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(lines) > IMPORT_MAX_ROWS:
        raise _refuse(f"The file has over {IMPORT_MAX_ROWS} rows; split it.")
    if not lines:
        raise _refuse("The file has no rows.")
    cells: list[tuple[int, str | None]] = []
    for number, line in lines:
        try:
            row = next(csv.reader([line]), [])
        except csv.Error:
            cells.append((number, None))
            continue
        cells.append((number, next((c.strip() for c in row if c.strip()), "")))
    first = cells[0][1]
    if first is not None and first.lower() in HEADERS:
        cells = cells[1:]
    return cells


def _kind_of(value: str | None) -> tuple[str, str]:
    """("email" | "ref", "") for a usable value, else ("", why not)."""
    if value is None:
        return "", "The line is not readable CSV."
    if not value:
        return "", "The row is empty."
    problem = text_problem(value, EMAIL_MAX) or (
        "Control characters are not allowed."
        if any(ord(ch) < 32 for ch in value)
        else ""
    )
    if problem:
        return "", problem
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            return "", "Not a valid email address."
        return "email", ""
    if len(value) > REF_MAX:
        return "", f"An external ref has at most {REF_MAX} characters."
    return "ref", ""


def _key(kind: str, value: str) -> str:
    return value.lower() if kind == "email" else value


@transaction.atomic
def incident_import_customers(
    *, incident: Incident, data: bytes, by: Any
) -> ImportReport:
    """Link the customers a CSV names to the incident; report every row.

    `by` is the acting manager: rows resolve only to customers they may see.
    Raises IncidentRefused (`file`) when the file as a whole is refused.
    """
    actor = as_actor(by)
    cells = csv_cells(data)
    judged = [(n, v, *_kind_of(v)) for n, v in cells]
    emails = [v for _, v, kind, _ in judged if kind == "email"]
    refs = [v for _, v, kind, _ in judged if kind == "ref"]
    by_email = customers_by_email(actor.user, emails)
    by_ref = customers_by_ref(actor.user, refs)
    incident = lock_open(incident)
    linked = set(incident.customer_links.values_list("customer_id", flat=True))
    seen: set[tuple[str, str]] = set()
    report = ImportReport()
    for number, value, kind, why in judged:
        shown = (value or "")[: REF_MAX * 3]
        if not kind:
            report.rows.append(RowReport(number, shown, INVALID, why))
            continue
        key = (kind, _key(kind, value))
        if key in seen:
            report.rows.append(RowReport(number, shown, DUPLICATE, "Earlier row."))
            continue
        seen.add(key)
        ids = set(
            by_email.get(key[1], []) if kind == "email" else by_ref.get(value, ())
        )
        row = _judge_row(number, shown, kind, ids, linked)
        linked.update(row.customers if row.outcome == LINKED else ())
        report.rows.append(row)
    new = {pk for r in report.rows if r.outcome == LINKED for pk in r.customers}
    link_customer_ids(incident, new, timezone.now())
    return report


def _judge_row(
    number: int, value: str, kind: str, ids: set[int], linked: set[int]
) -> RowReport:
    if not ids:
        return RowReport(number, value, UNKNOWN, f"No customer with this {kind}.")
    if kind == "ref" and len(ids) > 1:
        detail = (
            f"{len(ids)} customers have this ref under different API clients; "
            "use their email."
        )
        return RowReport(number, value, UNKNOWN, detail)
    fresh = tuple(sorted(ids - linked))
    if not fresh:
        return RowReport(
            number, value, DUPLICATE, "Already linked.", tuple(sorted(ids))
        )
    return RowReport(number, value, LINKED, "", fresh)
