"""The figures as titled tables: the accessible twin of every chart, and the CSV.

A table is a name (its CSV file), a title, the figure's definition, columns
(key, label and kind, which says how to format a cell) and rows of raw
values. Rows may carry an inbox link (`link`) to the cases behind them. A
table may name a chart (`chart`: its type and the columns it draws); the
chart is built from the table's own rows, so the two cannot disagree.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from complaints.money import money_text

from .definitions import DEFINITIONS as D
from .filters import MetricsFilter

Column = tuple[str, str, str]  # key, label, kind: int|pct|hours|num|text|money|date
# Chart colours, each with its own line style, so colour never carries meaning alone.
PALETTE = [("#1565c0", []), ("#ef6c00", [6, 4]), ("#546e7a", [2, 3])]


@dataclass
class Table:
    name: str
    title: str
    definition: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    chart: tuple[str, ...] = ()  # ("line"|"bar"|"hbar", column keys drawn)
    section: str = ""

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

    def chart_spec(self) -> dict[str, Any]:
        """The Chart.js data of this table's chart (drawn by static/dashboard.js)."""
        kind, *keys = self.chart
        labels = dict((key, label) for key, label, _ in self.columns)
        (first, _, first_kind) = self.columns[0]
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


def cols(spec: str) -> list[Column]:
    """Columns from "key|Label|kind, …" (kind defaults to int)."""
    return [
        (*(part.strip() for part in c.split("|")), "int")[:3] for c in spec.split(",")
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


RANKING = cols(
    "name|Name|text, cases|Cases, previous|Previous period, change|Change, "
    "cumulative_share|Cumulative share|pct"
)
CLOCKS = {"first_response": "First response", "resolution": "Resolution"}
TIMES = "cases|Cases timed, median_hours|Median (business h)|hours, " + (
    "p90_hours|90th percentile (business h)|hours"
)
NAMES = (
    "volume funnel stages sla escalations offers satisfaction categories "
    "root_causes agents skips repeat at_risk apology recovery rescored goodwill "
    "iceberg incidents"
)
TABLE_NAMES = NAMES.split()


def figure_tables(s: dict[str, Any]) -> list[Table]:
    """Every table of the dashboard, in page order."""
    flt: MetricsFilter = s["filter"]
    opened, customers = s["opened"], s["customers"]
    sla = ("sla_first_response", "sla_resolution", "time_to_first_response")
    return [
        Table(
            "volume",
            "Opened, closed and backlog",
            f"{D['opened']} {D['closed']} {D['backlog']}",
            cols(
                f"start|{s['bucket'].title()} starting|date, opened|Opened, "
                "closed|Closed, backlog|Backlog at end"
            ),
            s["series"],
            ("line", "opened", "closed", "backlog"),
        ),
        Table(
            "funnel",
            "Stage funnel",
            D["funnel"],
            cols("label|Stage|text, cases|Cases, share|Share|pct"),
            [
                {**row, "share": round(row["cases"] / opened, 4) if opened else None}
                for row in s["funnel"]
            ],
            ("hbar", "cases"),
        ),
        Table(
            "stages",
            "Open cases by stage and where they stall",
            D["stalls"],
            cols(
                "label|Stage|text, open|Open now, stalled|Stalled 7+ days, "
                "oldest_days|Oldest (days since filed)"
            ),
            [{**r, "link": inbox_link(flt, stage=r["stage"])} for r in s["stages"]],
            ("bar", "open", "stalled"),
        ),
        Table(
            "sla",
            "SLA compliance and business-hours times",
            " ".join(D[k] for k in (*sla, "time_to_resolution")),
            cols(
                "label|Clock|text, met_on_time|Met on time, missed|Missed, "
                f"compliance|Compliance|pct, {TIMES}"
            ),
            [
                {"label": label, **s["sla"][kind], **s["times"][kind]}
                for kind, label in CLOCKS.items()
            ],
        ),
        Table(
            "escalations",
            "Escalations by level",
            D["escalations"],
            cols("label|Level|text, escalations|Escalations"),
            [
                {**row, "link": inbox_link(flt, queue="escalated")}
                for row in s["escalations"]
            ],
        ),
        Table(
            "offers",
            "Offers by kind",
            D["offers"],
            cols(
                "label|Kind|text, count|Offers, acceptance_rate|Accepted|pct, "
                "needed_approval_share|Above policy|pct, currency|Currency|text, "
                "total|Total offered|money, average|Average|money, "
                "granted_total|Total granted|money"
            ),
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
            cols("score|Score, followups|Follow-ups"),
            s["satisfaction"]["distribution"],
            ("bar", "followups"),
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
            ("hbar", "cases", "previous"),
        ),
        Table(
            "root_causes",
            "Top root causes",
            D["root_causes"],
            RANKING,
            s["root_causes"],
        ),
        Table(
            "agents",
            "Per agent",
            D["agents"],
            cols(
                "username|Agent|text, open|Open now, filed|Filed (period), "
                "closed|Closed (period), sla_compliance|First-response SLA|pct, "
                "csat_average|Average satisfaction|num"
            ),
            s["agents"],
        ),
        Table(
            "skips",
            "Skipped steps",
            D["skips"],
            cols("label|Stage skipped|text, skips|Times skipped"),
            s["skips"]["stages"],
        ),
        Table(
            "repeat",
            "Repeat complainants",
            D["repeat_complainants"],
            cols("name|Customer|text, cases|Cases"),
            [_customer(row) for row in customers["repeat_top"]],
        ),
        Table(
            "at_risk",
            "Customers at risk",
            D["at_risk"],
            cols("name|Customer|text, cases|Cases, open|Open, escalated|Escalated"),
            [_customer(row) for row in customers["at_risk_top"]],
        ),
        *recovery_tables(s["recovery"]),
    ]


def recovery_tables(r: dict[str, Any]) -> list[Table]:
    """The "Service recovery" section of the dashboard."""
    offer, again = r["first_offer"], r["recurrence"]
    rescored = r["rescored"]
    tables = [
        Table(
            "apology",
            "Time to the first apology",
            D["first_apology"],
            cols(f"label|Measure|text, {TIMES}"),
            [{"label": "First apology", **r["first_apology"]}],
        ),
        Table(
            "recovery",
            "First-offer acceptance and 90-day recurrence",
            f"{D['first_offer']} {D['recurrence']}",
            cols("label|Figure|text, part|Yes, whole|Of, rate|Share|pct"),
            [
                {"label": "First offer accepted", "part": offer["accepted"]}
                | {"whole": offer["cases"], "rate": offer["rate"]},
                {"label": "Customer filed again within 90 days"}
                | {"part": again["again"], "whole": again["customers"]}
                | {"rate": again["rate"]},
            ],
            ("hbar", "rate"),
        ),
        Table(
            "rescored",
            "Satisfaction before and after",
            D["rescored"],
            cols("label|Score|text, score|Average (1–5)|num, cases|Cases"),
            [
                {"label": label, "score": rescored[key], "cases": rescored["cases"]}
                for key, label in (("before", "Before"), ("after", "After"))
            ],
            ("bar", "score"),
        ),
        Table(
            "goodwill",
            "Goodwill spent per root cause",
            D["goodwill"],
            cols(
                "root_cause|Root cause|text, currency|Currency|text, "
                "offers|Offers fulfilled, total|Goodwill spent|money"
            ),
            r["goodwill"],
            ("hbar", "total"),
        ),
        Table(
            "iceberg",
            "Complaints per problem (the iceberg)",
            D["iceberg"],
            cols(
                "problems|Problems, cases|Complaints linked, "
                "per_problem|Complaints per problem|num"
            ),
            [r["iceberg"]],
        ),
        Table(
            "incidents",
            "Incidents: reach and who was told first",
            D["incidents"],
            cols(
                "title|Incident|text, opened|Opened|date, cases|Cases linked, "
                "customers|Customers linked, told|Customers told, "
                "filed_after_told|Cases filed after told, "
                "filed_before_told|Cases filed before or never told"
            ),
            [
                {**row, "link": f"/recovery/incidents/{row['incident_id']}/"}
                for row in r["incidents"]
            ],
        ),
    ]
    for table in tables:
        table.section = "Service recovery"
    return tables


def _customer(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "link": f"/customers/{row['customer_id']}/"}
