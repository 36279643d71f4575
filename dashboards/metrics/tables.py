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
from django.utils.translation import gettext_lazy as _

from complaints.money import money_text

from .definitions import DEFINITIONS as D
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


RANKING = cols(
    ("name", _("Name"), "text"),
    ("cases", _("Cases")),
    ("previous", _("Previous period")),
    ("change", _("Change")),
    ("cumulative_share", _("Cumulative share"), "pct"),
)
CLOCKS = {"first_response": _("First response"), "resolution": _("Resolution")}
TIMES = cols(
    ("cases", _("Cases timed")),
    ("median_hours", _("Median (business h)"), "hours"),
    ("p90_hours", _("90th percentile (business h)"), "hours"),
)
STARTING = {
    "day": _("Day starting"),
    "week": _("Week starting"),
    "month": _("Month starting"),
}
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
            _("Opened, closed and backlog"),
            f"{D['opened']} {D['closed']} {D['backlog']}",
            cols(
                ("start", STARTING[s["bucket"]], "date"),
                ("opened", _("Opened")),
                ("closed", _("Closed")),
                ("backlog", _("Backlog at end")),
            ),
            s["series"],
            ("line", "opened", "closed", "backlog"),
        ),
        Table(
            "funnel",
            _("Stage funnel"),
            D["funnel"],
            cols(
                ("label", _("Stage"), "text"),
                ("cases", _("Cases")),
                ("share", _("Share"), "pct"),
            ),
            [
                {**row, "share": round(row["cases"] / opened, 4) if opened else None}
                for row in s["funnel"]
            ],
            ("hbar", "cases"),
        ),
        Table(
            "stages",
            _("Open cases by stage and where they stall"),
            D["stalls"],
            cols(
                ("label", _("Stage"), "text"),
                ("open", _("Open now")),
                ("stalled", _("Stalled 7+ days")),
                ("oldest_days", _("Oldest (days since filed)")),
            ),
            [{**r, "link": inbox_link(flt, stage=r["stage"])} for r in s["stages"]],
            ("bar", "open", "stalled"),
        ),
        Table(
            "sla",
            _("SLA compliance and business-hours times"),
            " ".join(str(D[k]) for k in (*sla, "time_to_resolution")),
            cols(
                ("label", _("Clock"), "text"),
                ("met_on_time", _("Met on time")),
                ("missed", _("Missed")),
                ("compliance", _("Compliance"), "pct"),
                *TIMES,
            ),
            [
                {"label": label, **s["sla"][kind], **s["times"][kind]}
                for kind, label in CLOCKS.items()
            ],
        ),
        Table(
            "escalations",
            _("Escalations by level"),
            D["escalations"],
            cols(("label", _("Level"), "text"), ("escalations", _("Escalations"))),
            [
                {**row, "link": inbox_link(flt, queue="escalated")}
                for row in s["escalations"]
            ],
        ),
        Table(
            "offers",
            _("Offers by kind"),
            D["offers"],
            cols(
                ("label", _("Kind"), "text"),
                ("count", _("Offers")),
                ("acceptance_rate", _("Accepted"), "pct"),
                ("needed_approval_share", _("Above policy"), "pct"),
                ("currency", _("Currency"), "text"),
                ("total", _("Total offered"), "money"),
                ("average", _("Average"), "money"),
                ("granted_total", _("Total granted"), "money"),
            ),
            [
                {**kind, **money}
                for kind in s["offers"]["by_kind"]
                for money in kind["amounts"] or [{}]
            ],
        ),
        Table(
            "satisfaction",
            _("Satisfaction scores"),
            D["satisfaction"],
            cols(("score", _("Score")), ("followups", _("Follow-ups"))),
            s["satisfaction"]["distribution"],
            ("bar", "followups"),
        ),
        Table(
            "categories",
            _("Top categories"),
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
            _("Top root causes"),
            D["root_causes"],
            RANKING,
            s["root_causes"],
        ),
        Table(
            "agents",
            _("Per agent"),
            D["agents"],
            cols(
                ("username", _("Agent"), "text"),
                ("open", _("Open now")),
                ("filed", _("Filed (period)")),
                ("closed", _("Closed (period)")),
                ("sla_compliance", _("First-response SLA"), "pct"),
                ("csat_average", _("Average satisfaction"), "num"),
            ),
            s["agents"],
        ),
        Table(
            "skips",
            _("Skipped steps"),
            D["skips"],
            cols(("label", _("Stage skipped"), "text"), ("skips", _("Times skipped"))),
            s["skips"]["stages"],
        ),
        Table(
            "repeat",
            _("Repeat complainants"),
            D["repeat_complainants"],
            cols(("name", _("Customer"), "text"), ("cases", _("Cases"))),
            [_customer(row) for row in customers["repeat_top"]],
        ),
        Table(
            "at_risk",
            _("Customers at risk"),
            D["at_risk"],
            cols(
                ("name", _("Customer"), "text"),
                ("cases", _("Cases")),
                ("open", _("Open")),
                ("escalated", _("Escalated")),
            ),
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
            _("Time to the first apology"),
            D["first_apology"],
            cols(("label", _("Measure"), "text"), *TIMES),
            [{"label": _("First apology"), **r["first_apology"]}],
        ),
        Table(
            "recovery",
            _("First-offer acceptance and 90-day recurrence"),
            f"{D['first_offer']} {D['recurrence']}",
            cols(
                ("label", _("Figure"), "text"),
                ("part", _("Yes")),
                ("whole", _("Of")),
                ("rate", _("Share"), "pct"),
            ),
            [
                {"label": _("First offer accepted"), "part": offer["accepted"]}
                | {"whole": offer["cases"], "rate": offer["rate"]},
                {"label": _("Customer filed again within 90 days")}
                | {"part": again["again"], "whole": again["customers"]}
                | {"rate": again["rate"]},
            ],
            ("hbar", "rate"),
        ),
        Table(
            "rescored",
            _("Satisfaction before and after"),
            D["rescored"],
            cols(
                ("label", _("Score"), "text"),
                ("score", _("Average (1–5)"), "num"),
                ("cases", _("Cases")),
            ),
            [
                {"label": label, "score": rescored[key], "cases": rescored["cases"]}
                for key, label in (("before", _("Before")), ("after", _("After")))
            ],
            ("bar", "score"),
        ),
        Table(
            "goodwill",
            _("Goodwill spent per root cause"),
            D["goodwill"],
            cols(
                ("root_cause", _("Root cause"), "text"),
                ("currency", _("Currency"), "text"),
                ("offers", _("Offers fulfilled")),
                ("total", _("Goodwill spent"), "money"),
            ),
            r["goodwill"],
            ("hbar", "total"),
        ),
        Table(
            "iceberg",
            _("Complaints per problem (the iceberg)"),
            D["iceberg"],
            cols(
                ("problems", _("Problems")),
                ("cases", _("Complaints linked")),
                ("per_problem", _("Complaints per problem"), "num"),
            ),
            [r["iceberg"]],
        ),
        Table(
            "incidents",
            _("Incidents: reach and who was told first"),
            D["incidents"],
            cols(
                ("title", _("Incident"), "text"),
                ("opened", _("Opened"), "date"),
                ("cases", _("Cases linked")),
                ("customers", _("Customers linked")),
                ("told", _("Customers told")),
                ("filed_after_told", _("Cases filed after told")),
                ("filed_before_told", _("Cases filed before or never told")),
            ),
            [
                {**row, "link": f"/recovery/incidents/{row['incident_id']}/"}
                for row in r["incidents"]
            ],
        ),
    ]
    for table in tables:
        table.section = _("Service recovery")
    return tables


def _customer(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "link": f"/customers/{row['customer_id']}/"}
