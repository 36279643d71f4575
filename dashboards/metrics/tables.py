"""Every table of the dashboard, in page order, built from the summary's figures.

What a table is and how its cells and chart are formatted: `table`.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from .definitions import DEFINITIONS as D
from .filters import MetricsFilter
from .table import Table, cols, inbox_link

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
