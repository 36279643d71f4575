"""What the rollup tables count: the names of their measure columns.

Each rollup row is a (span, day, team, category, priority, channel) bucket,
plus the table's own key (assignee, root cause, or offer kind and currency).
A measure is dated by its own moment — `opened` by filing, `closed` by
closing, `fr_on_time` by the first response, `fr_missed` by the missed due
time, and so on — so summing a range of days gives the period's figure, as
the raw queries in `dashboards.metrics` define it.
"""

from complaints.models import STAGE_ORDER, OfferStatus

# Offers the customer took, and offers the customer answered.
GRANTED = (OfferStatus.ACCEPTED, OfferStatus.FULFILLED)
DECIDED = (*GRANTED, OfferStatus.DECLINED, OfferStatus.COUNTERED)

DAY_MEASURES: tuple[str, ...] = (
    # Cases filed that day, as they stand now (the funnel is a cohort).
    "opened",
    "reopened",
    "reopens",
    "skipping",
    "skipped",
    *(f"reached_{stage}" for stage in STAGE_ORDER),
    # Cases whose (current) closing fell on that day.
    "closed",
    # SLA clocks: met on time by the day met; missed by the day they fell due.
    "fr_on_time",
    "fr_missed",
    "res_on_time",
    "res_missed",
    # Escalation events by the level they reached; skip events by stage.
    "esc_1",
    "esc_2",
    *(f"skip_{stage}" for stage in STAGE_ORDER),
    # Follow-ups completed that day, and follow-ups (not cancelled) due that day.
    "fu_completed",
    "fu_scored",
    "fu_csat_sum",
    *(f"fu_csat_{n}" for n in range(1, 6)),
    "fu_unsatisfied",
    "fu_due",
    "fu_due_done",
    # Still scheduled and past due at the refresh, by the day they fell due.
    "fu_overdue",
)
AGENT_MEASURES: tuple[str, ...] = (
    "filed",
    "closed",
    "fr_on_time",
    "fr_missed",
    "csat_sum",
    "csat_n",
)
CAUSE_MEASURES: tuple[str, ...] = ("opened",)
OFFER_MEASURES: tuple[str, ...] = (
    "n",
    "granted",
    "decided",
    "approval",
    "total",
    "granted_total",
)
MONEY_MEASURES = frozenset({"total", "granted_total"})
