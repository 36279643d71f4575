"""The figures as titled tables: the accessible twin of every chart, and the CSV.

A table is a name (its CSV file), a title, the figure's definition, columns
(label and kind, which says how to format a cell) and rows of raw values.
Rows may carry an inbox link (`link`) to the cases behind them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from .definitions import DEFINITIONS
from .filters import MetricsFilter

Column = tuple[
    str, str, str
]  # key, label, kind: int | pct | hours | num | text | money | date


@dataclass
class Table:
    name: str
    title: str
    definition: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def header(self) -> list[str]:
        return [label for _, label, _ in self.columns]

    def values(self) -> list[list[Any]]:
        return [[row.get(key) for key, _, _ in self.columns] for row in self.rows]

    def cells(self) -> list[tuple[str, str, list[tuple[str, bool]]]]:
        """Rows formatted for the page: (row header, its link, [(text, numeric)])."""
        kinds = [(key, kind) for key, _, kind in self.columns]
        result = []
        for row in self.rows:
            (first, first_kind), rest = kinds[0], kinds[1:]
            result.append(
                (
                    fmt(row.get(first), first_kind),
                    row.get("link") or "",
                    [(fmt(row.get(key), kind), kind != "text") for key, kind in rest],
                )
            )
        return result


def fmt(value: Any, kind: str) -> str:
    """Format one cell by its column kind (a dash for no value)."""
    if value is None or value == "":
        return "–"
    if kind == "pct":
        return f"{float(value) * 100:.1f}%".replace(".0%", "%")
    if kind == "hours":
        return f"{float(value):.1f}"
    if kind == "num":
        return f"{float(value):.2f}"
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
    query = urlencode({k: v for k, v in params.items() if v})
    return f"/?{query}"


def figure_tables(summary: dict[str, Any]) -> list[Table]:
    """Every table of the dashboard, in page order."""
    flt: MetricsFilter = summary["filter"]
    return [build(summary, flt) for build in BUILDERS]


def _series(s: dict, flt: MetricsFilter) -> Table:
    return Table(
        "volume",
        "Opened, closed and backlog",
        f"{DEFINITIONS['opened']} {DEFINITIONS['closed']} {DEFINITIONS['backlog']}",
        [
            ("start", f"{s['bucket'].title()} starting", "date"),
            ("opened", "Opened", "int"),
            ("closed", "Closed", "int"),
            ("backlog", "Backlog at end", "int"),
        ],
        s["series"],
    )


def _funnel(s: dict, flt: MetricsFilter) -> Table:
    opened = s["opened"]
    rows = [
        {**row, "share": round(row["cases"] / opened, 4) if opened else None}
        for row in s["funnel"]
    ]
    return Table(
        "funnel",
        "Stage funnel",
        DEFINITIONS["funnel"],
        [
            ("label", "Stage", "text"),
            ("cases", "Cases", "int"),
            ("share", "Share", "pct"),
        ],
        rows,
    )


def _stages(s: dict, flt: MetricsFilter) -> Table:
    rows = [{**row, "link": inbox_link(flt, stage=row["stage"])} for row in s["stages"]]
    return Table(
        "stages",
        "Open cases by stage and where they stall",
        DEFINITIONS["stalls"],
        [
            ("label", "Stage", "text"),
            ("open", "Open now", "int"),
            ("stalled", "Stalled 7+ days", "int"),
            ("oldest_days", "Oldest (days since filed)", "int"),
        ],
        rows,
    )


def _sla(s: dict, flt: MetricsFilter) -> Table:
    labels = {"first_response": "First response", "resolution": "Resolution"}
    rows = []
    for kind, label in labels.items():
        clock, times = s["sla"][kind], s["times"][kind]
        rows.append({"label": label, **clock, **times})
    return Table(
        "sla",
        "SLA compliance and business-hours times",
        f"{DEFINITIONS['sla_first_response']} {DEFINITIONS['sla_resolution']} "
        f"{DEFINITIONS['time_to_first_response']} {DEFINITIONS['time_to_resolution']}",
        [
            ("label", "Clock", "text"),
            ("met_on_time", "Met on time", "int"),
            ("missed", "Missed", "int"),
            ("compliance", "Compliance", "pct"),
            ("cases", "Cases timed", "int"),
            ("median_hours", "Median (business h)", "hours"),
            ("p90_hours", "90th percentile (business h)", "hours"),
        ],
        rows,
    )


def _escalations(s: dict, flt: MetricsFilter) -> Table:
    return Table(
        "escalations",
        "Escalations by level",
        DEFINITIONS["escalations"],
        [("label", "Level", "text"), ("escalations", "Escalations", "int")],
        [
            {**row, "link": inbox_link(flt, queue="escalated")}
            for row in s["escalations"]
        ],
    )


def _offers(s: dict, flt: MetricsFilter) -> Table:
    rows = []
    for kind in s["offers"]["by_kind"]:
        amounts = kind["amounts"] or [{}]
        for money in amounts:
            rows.append({**kind, **money})
    return Table(
        "offers",
        "Offers by kind",
        DEFINITIONS["offers"],
        [
            ("label", "Kind", "text"),
            ("count", "Offers", "int"),
            ("acceptance_rate", "Accepted", "pct"),
            ("needed_approval_share", "Above policy", "pct"),
            ("currency", "Currency", "text"),
            ("total", "Total offered", "money"),
            ("average", "Average", "money"),
            ("granted_total", "Total granted", "money"),
        ],
        rows,
    )


def _satisfaction(s: dict, flt: MetricsFilter) -> Table:
    return Table(
        "satisfaction",
        "Satisfaction scores",
        DEFINITIONS["satisfaction"],
        [("score", "Score", "int"), ("followups", "Follow-ups", "int")],
        s["satisfaction"]["distribution"],
    )


def _ranking(
    key: str, title: str, param: str
) -> Callable[[dict, MetricsFilter], Table]:
    def build(s: dict, flt: MetricsFilter) -> Table:
        rows = []
        for row in s[key]:
            link = ""
            if param == "category" and row.get("id"):
                link = inbox_link(flt, category=row["id"])
            rows.append({**row, "link": link})
        return Table(
            key,
            title,
            DEFINITIONS[key],
            [
                ("name", "Name", "text"),
                ("cases", "Cases", "int"),
                ("previous", "Previous period", "int"),
                ("change", "Change", "int"),
                ("cumulative_share", "Cumulative share", "pct"),
            ],
            rows,
        )

    return build


def _agents(s: dict, flt: MetricsFilter) -> Table:
    return Table(
        "agents",
        "Per agent",
        DEFINITIONS["agents"],
        [
            ("username", "Agent", "text"),
            ("open", "Open now", "int"),
            ("filed", "Filed (period)", "int"),
            ("closed", "Closed (period)", "int"),
            ("sla_compliance", "First-response SLA", "pct"),
            ("csat_average", "Average satisfaction", "num"),
        ],
        s["agents"],
    )


def _skips(s: dict, flt: MetricsFilter) -> Table:
    return Table(
        "skips",
        "Skipped steps",
        DEFINITIONS["skips"],
        [("label", "Stage skipped", "text"), ("skips", "Times skipped", "int")],
        s["skips"]["stages"],
    )


def _customers(key: str, title: str, definition: str) -> Callable:
    def build(s: dict, flt: MetricsFilter) -> Table:
        rows = [
            {**row, "link": f"/customers/{row['customer_id']}/"}
            for row in s["customers"][key]
        ]
        columns = [("name", "Customer", "text"), ("cases", "Cases", "int")]
        if key == "at_risk_top":
            columns += [("open", "Open", "int"), ("escalated", "Escalated", "int")]
        return Table(key.removesuffix("_top"), title, definition, columns, rows)

    return build


BUILDERS: list[Callable[[dict, MetricsFilter], Table]] = [
    _series,
    _funnel,
    _stages,
    _sla,
    _escalations,
    _offers,
    _satisfaction,
    _ranking("categories", "Top categories", "category"),
    _ranking("root_causes", "Top root causes", "root_cause"),
    _agents,
    _skips,
    _customers("repeat_top", "Repeat complainants", DEFINITIONS["repeat_complainants"]),
    _customers("at_risk_top", "Customers at risk", DEFINITIONS["at_risk"]),
]
TABLE_NAMES = [
    "volume",
    "funnel",
    "stages",
    "sla",
    "escalations",
    "offers",
    "satisfaction",
    "categories",
    "root_causes",
    "agents",
    "skips",
    "repeat",
    "at_risk",
]
