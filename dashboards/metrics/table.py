"""The figures as titled tables: the accessible twin of every chart, and the CSV.

A table is a name (its CSV file), a title, the figure's definition, columns
(key, label and kind, which says how to format a cell) and rows of raw
values. Titles and labels are lazy translations: the page and the CSV show
them in the reader's language. Rows may carry an inbox link (`link`) to the cases behind them. A
table may name a chart (`chart`: its type and the columns it draws); the
chart is built from the table's own rows, so the two cannot disagree.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.utils.functional import Promise

from complaints.money import money_text

from .filters import MetricsFilter

Text = str | Promise  # a lazy translation until it is shown
Column = tuple[str, Text, str]  # key, label, kind: int|pct|hours|num|text|money|date
# Chart colours, each with its own line style, so colour never carries meaning alone.
PALETTE = [("#1565c0", []), ("#ef6c00", [6, 4]), ("#546e7a", [2, 3])]


@dataclass
class Table:
    name: str
    title: Text
    definition: Text
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    chart: tuple[str, ...] = ()  # ("line"|"bar"|"hbar", column keys drawn)
    section: Text = ""

    def header(self) -> list[str]:
        return [str(label) for _key, label, _kind in self.columns]

    def values(self) -> list[list[Any]]:
        return [[row.get(key) for key, *_ in self.columns] for row in self.rows]

    def cells(self) -> list[tuple[str, str, list[tuple[str, bool]]]]:
        """Rows formatted for the page: (row header, its link, [(text, numeric)])."""
        (first, kind), *rest = [(key, kind) for key, _label, kind in self.columns]
        return [
            (
                fmt(row.get(first), kind),
                row.get("link") or "",
                [
                    (fmt(row.get(k), kd, currency=row.get("currency")), kd != "text")
                    for k, kd in rest
                ],
            )
            for row in self.rows
        ]

    def chart_spec(self) -> dict[str, Any]:
        """The Chart.js data of this table's chart (drawn by static/dashboard.js)."""
        kind, *keys = self.chart
        labels = {key: str(label) for key, label, _kind in self.columns}
        (first, _label, first_kind) = self.columns[0]
        return {
            "id": self.name,
            "type": "bar" if kind == "hbar" else kind,
            "horizontal": kind == "hbar",
            "labels": [fmt(row.get(first), first_kind) for row in self.rows],
            "datasets": [
                {
                    "label": labels[key],
                    "data": [row.get(key) for row in self.rows],
                    "borderColor": colour,
                    "backgroundColor": colour,
                    "borderDash": dash,
                }
                for key, (colour, dash) in zip(keys, PALETTE, strict=False)
            ],
        }


def cols(*specs: tuple[str, Text] | Column) -> list[Column]:
    """Columns from (key, label) or (key, label, kind) (kind defaults to int)."""
    return [(*spec, "int")[:3] for spec in specs]


def fmt(value: Any, kind: str, *, currency: str | None = None) -> str:
    """Format one cell by its column kind (a dash for no value)."""
    if value is None or value == "":
        return "–"
    if kind == "money":
        return money_text(value, currency)
    if kind == "pct":
        return f"{float(value) * 100:.1f}%".replace(".0%", "%")
    if kind in ("hours", "num"):
        return f"{float(value):.{1 if kind == 'hours' else 2}f}"
    if kind == "date" and hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def inbox_link(flt: MetricsFilter, **extra: Any) -> str:
    """A link to the inbox filtered like the dashboard, plus `extra` (e.g. stage).

    The inbox takes `queue` (default here: all open cases), `stage`,
    `priority`, `category` (an id), `team` (a slug) and `q`.
    """
    params = {
        "queue": "all",
        "team": flt.team.slug if flt.team else "",
        "category": flt.category.pk if flt.category else "",
        "priority": flt.priority,
        **extra,
    }
    return "/?" + urlencode({k: v for k, v in params.items() if v})
