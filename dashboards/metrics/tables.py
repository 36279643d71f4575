"""The figures as titled tables: the accessible twin of every chart, and the CSV.

A table is a name (its CSV file), a title, the figure's definition, columns
(key, label and kind, which says how to format a cell) and rows of raw
values. Rows may carry an inbox link (`link`) to the cases behind them.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from complaints.money import money_text

from .definitions import DEFINITIONS as D
from .filters import MetricsFilter

Column = tuple[str, str, str]  # key, label, kind: int|pct|hours|num|text|money|date


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
        (first, kind), *rest = [(key, kind) for key, _, kind in self.columns]
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


RANKING = [
    ("name", "Name", "text"),
    ("cases", "Cases", "int"),
    ("previous", "Previous period", "int"),
    ("change", "Change", "int"),
    ("cumulative_share", "Cumulative share", "pct"),
]
CLOCKS = {"first_response": "First response", "resolution": "Resolution"}


def figure_tables(s: dict[str, Any]) -> list[Table]:
    """Every table of the dashboard, in page order."""
    flt: MetricsFilter = s["filter"]
    opened = s["opened"]
    customers = [
        {**row, "link": f"/customers/{row['customer_id']}/"}
        for row in s["customers"]["at_risk_top"]
    ]
    return [
        Table(
            "volume",
            "Opened, closed and backlog",
            f"{D['opened']} {D['closed']} {D['backlog']}",
            [
                ("start", f"{s['bucket'].title()} starting", "date"),
                ("opened", "Opened", "int"),
                ("closed", "Closed", "int"),
                ("backlog", "Backlog at end", "int"),
            ],
            s["series"],
        ),
        Table(
            "funnel",
            "Stage funnel",
            D["funnel"],
            [("label", "Stage", "text"), ("cases", "Cases", "int")]
            + [("share", "Share", "pct")],
            [
                {**row, "share": round(row["cases"] / opened, 4) if opened else None}
                for row in s["funnel"]
            ],
        ),
        Table(
            "stages",
            "Open cases by stage and where they stall",
            D["stalls"],
            [
                ("label", "Stage", "text"),
                ("open", "Open now", "int"),
                ("stalled", "Stalled 7+ days", "int"),
                ("oldest_days", "Oldest (days since filed)", "int"),
            ],
            [{**r, "link": inbox_link(flt, stage=r["stage"])} for r in s["stages"]],
        ),
        Table(
            "sla",
            "SLA compliance and business-hours times",
            " ".join(
                D[k]
                for k in (
                    "sla_first_response",
                    "sla_resolution",
                    "time_to_first_response",
                    "time_to_resolution",
                )
            ),
            [
                ("label", "Clock", "text"),
                ("met_on_time", "Met on time", "int"),
                ("missed", "Missed", "int"),
                ("compliance", "Compliance", "pct"),
                ("cases", "Cases timed", "int"),
                ("median_hours", "Median (business h)", "hours"),
                ("p90_hours", "90th percentile (business h)", "hours"),
            ],
            [
                {"label": label, **s["sla"][kind], **s["times"][kind]}
                for kind, label in CLOCKS.items()
            ],
        ),
        Table(
            "escalations",
            "Escalations by level",
            D["escalations"],
            [("label", "Level", "text"), ("escalations", "Escalations", "int")],
            [
                {**row, "link": inbox_link(flt, queue="escalated")}
                for row in s["escalations"]
            ],
        ),
        Table(
            "offers",
            "Offers by kind",
            D["offers"],
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
            [
                {**kind, **money}
                for kind in s["offers"]["by_kind"]
                for money in kind["amounts"] or [{}]
            ],
        ),
        Table(
            "satisfaction",
            "Satisfaction scores",
            D["satisfaction"],
            [("score", "Score", "int"), ("followups", "Follow-ups", "int")],
            s["satisfaction"]["distribution"],
        ),
        Table(
            "categories",
            "Top categories",
            D["categories"],
            RANKING,
            [
                {**r, "link": inbox_link(flt, category=r["id"]) if r["id"] else ""}
                for r in s["categories"]
            ],
        ),
        Table(
            "root_causes",
            "Top root causes",
            D["root_causes"],
            RANKING,
            [{**r, "link": ""} for r in s["root_causes"]],
        ),
        Table(
            "agents",
            "Per agent",
            D["agents"],
            [
                ("username", "Agent", "text"),
                ("open", "Open now", "int"),
                ("filed", "Filed (period)", "int"),
                ("closed", "Closed (period)", "int"),
                ("sla_compliance", "First-response SLA", "pct"),
                ("csat_average", "Average satisfaction", "num"),
            ],
            s["agents"],
        ),
        Table(
            "skips",
            "Skipped steps",
            D["skips"],
            [("label", "Stage skipped", "text"), ("skips", "Times skipped", "int")],
            s["skips"]["stages"],
        ),
        Table(
            "repeat",
            "Repeat complainants",
            D["repeat_complainants"],
            [("name", "Customer", "text"), ("cases", "Cases", "int")],
            [
                {**row, "link": f"/customers/{row['customer_id']}/"}
                for row in s["customers"]["repeat_top"]
            ],
        ),
        Table(
            "at_risk",
            "Customers at risk",
            D["at_risk"],
            [("name", "Customer", "text"), ("cases", "Cases", "int")]
            + [("open", "Open", "int"), ("escalated", "Escalated", "int")],
            customers,
        ),
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
