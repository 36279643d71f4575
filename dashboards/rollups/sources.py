"""Where each rollup measure comes from: one grouped SELECT per source table.

A source reads the rows of one table whose moment falls on one of the given
local days (an index range scan per day), joins their case for the four
dimensions, and counts its measures. The refresh sums the sources of a table
per bucket. The conditions mirror the raw figures in `dashboards.metrics`
(the agreement tests compare the two). Comparisons on a stage or a status
are written `IN (…)`: the single-path scan (tests/unit/test_single_path.py)
takes an equals sign after `.status` for a write.
"""

from dataclasses import dataclass, field

from complaints.models import STAGE_ORDER, Stage

from ..models.measures import (
    AGENT_MEASURES,
    CAUSE_MEASURES,
    DAY_MEASURES,
    DECIDED,
    GRANTED,
    OFFER_MEASURES,
)

DIMENSIONS = ("team_id", "category_id", "priority", "channel")


@dataclass(frozen=True)
class Source:
    """Rows of `tables` (the case joined as `c`) whose `moment` falls on a day
    being recomputed, counted by name (and by `keys` beyond the dimensions)."""

    tables: str
    moment: str
    counts: dict[str, str]
    keys: dict[str, str] = field(default_factory=dict)
    where: str = "TRUE"

    def select(self, measures: tuple[str, ...], ranges: int) -> str:
        keys = [f"c.{d}" for d in DIMENSIONS] + list(self.keys.values())
        counts = [self.counts.get(m, "0") for m in measures]
        day = f"({self.moment} AT TIME ZONE %(tz)s)::date"
        # Constant bounds (not a join on a list of days) let the planner see
        # how few rows a day holds and walk the timestamp index.
        when = " OR ".join(
            f"({self.moment} >= %(lo{n})s AND {self.moment} < %(hi{n})s)"
            for n in range(ranges)
        )
        groups = ", ".join(str(n) for n in range(1, len(keys) + 2))
        return (
            f"SELECT {day}, {', '.join(keys)}, {', '.join(counts)} "
            f"FROM {self.tables} WHERE ({self.where}) AND ({when}) GROUP BY {groups}"
        )

    def footprint(self, tag: str, measures: tuple[str, ...], which: str) -> str:
        """Per case and day, this source's rows for those cases as text."""
        keys = [f"c.{d}" for d in DIMENSIONS] + list(self.keys.values())
        counts = [self.counts[m] for m in measures if m in self.counts]
        day = f"({self.moment} AT TIME ZONE %(tz)s)::date"
        # ROW(…)::text keeps NULLs apart ("(,5)" is not "(5,)").
        text = f"ROW('{tag}', {', '.join(keys)}, {', '.join(counts)})::text"
        return (
            f"SELECT c.id, {day}, {text} FROM {self.tables} "
            f"WHERE ({self.where}) AND c.id {which} AND {self.moment} IS NOT NULL "
            f"GROUP BY c.id, 2, {', '.join(keys)}"
        )


def _quoted(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _reached(stage: str) -> str:
    later = STAGE_ORDER[STAGE_ORDER.index(stage) :]
    cond = f"c.stage IN ({_quoted(later)})"
    if STAGE_ORDER.index(stage) <= STAGE_ORDER.index(Stage.RESOLVED):
        cond = f"({cond} OR c.reopen_count > 0)"
    return f"count(*) FILTER (WHERE {cond})"


def _met(kind: str) -> str:
    return f"count(*) FILTER (WHERE dl.kind = '{kind}' AND dl.met_at <= dl.due_at)"


# Missed: due before the refresh and not met by then, unless the clock was
# paused or cancelled before it fell due (see metrics.sla.decided_q).
MISSED = (
    "dl.due_at < %(asof)s AND (dl.met_at IS NULL OR dl.met_at > dl.due_at) "
    "AND (dl.paused_at IS NULL OR dl.paused_at > dl.due_at) "
    "AND (dl.cancelled_at IS NULL OR dl.cancelled_at > dl.due_at)"
)


def _missed(kind: str) -> str:
    return f"count(*) FILTER (WHERE dl.kind = '{kind}' AND {MISSED})"


CASES = "complaints_case c"
DEADLINES = "sla_deadline dl JOIN complaints_case c ON c.id = dl.case_id"
EVENTS = "complaints_event e JOIN complaints_case c ON c.id = e.case_id"
FOLLOWUPS = "followups_followup f JOIN complaints_case c ON c.id = f.case_id"
OFFERS = "complaints_offer o JOIN complaints_case c ON c.id = o.case_id"
SKIPS = (
    EVENTS + " CROSS JOIN LATERAL jsonb_array_elements_text("
    "CASE WHEN jsonb_typeof(e.data -> 'skipped') = 'array' "
    "THEN e.data -> 'skipped' ELSE '[]'::jsonb END) AS s(stage)"
)
SKIP_EVENT = (
    "e.kind = 'stage_changed' AND (e.data -> 'move') = '\"skip\"'::jsonb "
    "AND c.skipped_steps > 0"
)
ASSIGNED = "c.assignee_id IS NOT NULL"
# Naming the kinds lets the (kind, due_at) index find a day's due times.
CLOCKS = "dl.kind IN ('first_response', 'resolution')"

DAY_SOURCES = [
    Source(
        CASES,
        "c.created_at",
        {
            "opened": "count(*)",
            "reopened": "count(*) FILTER (WHERE c.reopen_count > 0)",
            "reopens": "sum(c.reopen_count)",
            "skipping": "count(*) FILTER (WHERE c.skipped_steps > 0)",
            "skipped": "sum(c.skipped_steps)",
            **{f"reached_{s}": _reached(s) for s in STAGE_ORDER},
        },
    ),
    Source(CASES, "c.closed_at", {"closed": "count(*)"}),
    Source(
        DEADLINES,
        "dl.met_at",
        {"fr_on_time": _met("first_response"), "res_on_time": _met("resolution")},
    ),
    Source(
        DEADLINES,
        "dl.due_at",
        {"fr_missed": _missed("first_response"), "res_missed": _missed("resolution")},
        where=CLOCKS,
    ),
    Source(
        EVENTS,
        "e.created_at",
        {
            f"esc_{n}": f"count(*) FILTER (WHERE (e.after #>> '{{}}') = '{n}')"
            for n in (1, 2)
        },
        where="e.kind = 'escalated'",
    ),
    Source(
        SKIPS,
        "e.created_at",
        {
            f"skip_{s}": f"count(*) FILTER (WHERE s.stage IN ('{s}'))"
            for s in STAGE_ORDER
        },
        where=SKIP_EVENT,
    ),
    Source(
        FOLLOWUPS,
        "f.completed_at",
        {
            "fu_completed": "count(*)",
            "fu_scored": "count(f.csat)",
            "fu_csat_sum": "coalesce(sum(f.csat), 0)",
            **{
                f"fu_csat_{n}": f"count(*) FILTER (WHERE f.csat = {n})"
                for n in range(1, 6)
            },
            "fu_unsatisfied": "count(*) FILTER (WHERE f.outcome = 'unsatisfied')",
        },
        where="f.status IN ('done')",
    ),
    Source(
        FOLLOWUPS,
        "f.due_at",
        {
            "fu_due": "count(*)",
            "fu_due_done": "count(*) FILTER (WHERE f.status IN ('done'))",
            "fu_overdue": (
                "count(*) FILTER (WHERE f.status IN ('scheduled') "
                "AND f.due_at < %(asof)s)"
            ),
        },
        where="f.status <> 'cancelled'",
    ),
]

BY_ASSIGNEE = {"assignee_id": "c.assignee_id"}
AGENT_SOURCES = [
    Source(CASES, "c.created_at", {"filed": "count(*)"}, BY_ASSIGNEE, ASSIGNED),
    Source(CASES, "c.closed_at", {"closed": "count(*)"}, BY_ASSIGNEE, ASSIGNED),
    Source(
        DEADLINES,
        "dl.met_at",
        {"fr_on_time": _met("first_response")},
        BY_ASSIGNEE,
        ASSIGNED,
    ),
    Source(
        DEADLINES,
        "dl.due_at",
        {"fr_missed": _missed("first_response")},
        BY_ASSIGNEE,
        f"{ASSIGNED} AND {CLOCKS}",
    ),
    Source(
        FOLLOWUPS,
        "f.completed_at",
        {"csat_sum": "sum(f.csat)", "csat_n": "count(*)"},
        BY_ASSIGNEE,
        f"{ASSIGNED} AND f.status IN ('done') AND f.csat IS NOT NULL",
    ),
]
CAUSE_SOURCES = [
    Source(
        CASES,
        "c.created_at",
        {"opened": "count(*)"},
        {"root_cause_id": "c.root_cause_id"},
    )
]
_granted, _decided = _quoted(GRANTED), _quoted(DECIDED)
OFFER_SOURCES = [
    Source(
        OFFERS,
        "o.created_at",
        {
            "n": "count(*)",
            "granted": f"count(*) FILTER (WHERE o.status IN ({_granted}))",
            "decided": f"count(*) FILTER (WHERE o.status IN ({_decided}))",
            "approval": "count(*) FILTER (WHERE o.needed_approval)",
            "total": "sum(o.amount)",
            "granted_total": f"sum(o.amount) FILTER (WHERE o.status IN ({_granted}))",
        },
        {"kind": "o.kind", "currency": "o.currency"},
    )
]


@dataclass(frozen=True)
class Rollup:
    table: str
    measures: tuple[str, ...]
    sources: list[Source]
    keys: tuple[str, ...] = ()

    @property
    def key_columns(self) -> tuple[str, ...]:
        return (*DIMENSIONS, *self.keys)

    def day_rows_sql(self, ranges: int) -> str:
        """INSERT the day rows of `ranges` time ranges (`%(loN)s`–`%(hiN)s`,
        whole local days), summed over every source."""
        union = " UNION ALL ".join(
            source.select(self.measures, ranges) for source in self.sources
        )
        names = ", ".join(["day", *self.key_columns, *self.measures])
        sums = ", ".join(f"sum({m})" for m in self.measures)
        keys = ", ".join(["day", *self.key_columns])
        return (
            f"INSERT INTO {self.table} (span, {names}) "
            f"SELECT 'd', {keys}, {sums} FROM ({union}) AS u({names}) "
            # In day order, so a day's rows share heap pages (ranges read few).
            f"GROUP BY {keys} ORDER BY day"
        )

    def sum_rows_sql(self, span: str, unit: str, count: int) -> str:
        """INSERT the `span` rows ("m": months, "y": years) of `count` periods
        (`%(<span>loN)s`–`%(<span>hiN)s`), summed from the rows one level down."""
        below = {"m": "d", "y": "m"}[span]
        keys = ", ".join(self.key_columns)
        sums = ", ".join(f"sum({m})" for m in self.measures)
        start = f"date_trunc('{unit}', day)::date"
        which = " OR ".join(
            f"(day >= %({span}lo{n})s AND day < %({span}hi{n})s)" for n in range(count)
        )
        return (
            f"INSERT INTO {self.table} (span, day, {keys}, "
            f"{', '.join(self.measures)}) "
            f"SELECT '{span}', {start}, {keys}, {sums} FROM {self.table} "
            f"WHERE span = '{below}' AND ({which}) GROUP BY {start}, {keys} ORDER BY 2"
        )


ROLLUPS = [
    Rollup("dashboards_dayfacts", DAY_MEASURES, DAY_SOURCES),
    Rollup("dashboards_agentfacts", AGENT_MEASURES, AGENT_SOURCES, ("assignee_id",)),
    Rollup("dashboards_causefacts", CAUSE_MEASURES, CAUSE_SOURCES, ("root_cause_id",)),
    Rollup(
        "dashboards_offerfacts", OFFER_MEASURES, OFFER_SOURCES, ("kind", "currency")
    ),
]


def footprint_sql(which: str) -> str:
    """Each case's fingerprint per local day: a hash of every row it adds to
    any rollup that day (48 bits of md5: a change goes unseen, until the
    nightly rebuild, about once in 10^14 changed days). `which` restricts
    the cases (`= ANY(%(ids)s)`)."""
    parts = [
        source.footprint(f"{rollup.table}:{n}", rollup.measures, which)
        for rollup in ROLLUPS
        for n, source in enumerate(rollup.sources)
    ]
    return (
        "SELECT id, jsonb_object_agg(day, print) FROM ("
        "SELECT id, day, left(md5(string_agg(part, ';' ORDER BY part)), 12) AS print "
        f"FROM ({' UNION ALL '.join(parts)}) AS p(id, day, part) "
        "GROUP BY id, day) AS d GROUP BY id"
    )
