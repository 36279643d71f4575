"""What each dashboard figure means, in one place.

The page shows these as footnotes and tooltips, and the API schema uses them
as field descriptions, so the two can never explain a figure differently.
"Cases" always means the cases the viewer may see (a team lead: their teams)
that match the team, category, priority and channel filters. The texts are
lazy translations: the page shows them in the reader's language, the API
schema (built with no request language) in English.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEFINITIONS: dict[str, Promise] = {
    "opened": _("Cases filed in the period."),
    "closed": _(
        "Cases closed in the period (a reopened case counts when it closes again)."
    ),
    "backlog": _(
        "Open cases at the end of each interval: filed before it ended and not "
        "closed by then."
    ),
    "by_stage": _("Open cases now, by stage."),
    "overdue": _("Open cases now with a running SLA deadline already past due."),
    "escalated": _(
        "Open cases now escalated to a team lead or a manager (level 1 or 2)."
    ),
    "funnel": _(
        "Of the cases filed in the period, how many have got at least as far as "
        "each stage (a skipped stage counts as passed; a reopened case has reached "
        "resolved)."
    ),
    "stalls": _(
        "Open cases now by stage; stalled means no activity on the case for 7 "
        "days or more."
    ),
    "sla_first_response": _(
        "First-response deadlines decided in the period: met on time "
        "(met in the period, no later than due) against missed (fell due in the period "
        "and was met late or not at all; a clock paused or cancelled before it fell due "
        "is not counted)."
    ),
    "sla_resolution": _(
        "Resolution deadlines decided in the period, counted like the "
        "first-response ones; the resolution clock pauses while waiting on the customer."
    ),
    "time_to_first_response": _(
        "Business hours (the case's calendar) from filing to the "
        "first customer-facing response, for responses sent in the period: median and "
        "90th percentile."
    ),
    "time_to_resolution": _(
        "Business hours the resolution clock ran until the case was "
        "resolved (excluding time waiting on the customer; after a reopen, the latest "
        "round), for cases resolved in the period: median and 90th percentile."
    ),
    "escalations": _(
        "Escalations that happened in the period, by the level reached "
        "(1: team lead, 2: manager)."
    ),
    "reopen_rate": _(
        "Share of the cases filed in the period that were reopened at least once."
    ),
    "offers": _(
        "Offers made in the period on the cases, by kind: count, amounts per "
        "currency (total and average offered, total granted = accepted or fulfilled), "
        "acceptance rate (accepted or fulfilled / decided: accepted, fulfilled, declined, "
        "countered) and share above the policy limit (needed approval)."
    ),
    "approvals_pending": _("Offers waiting for a manager's approval now."),
    "satisfaction": _(
        "Follow-ups completed in the period: average score (1–5), "
        "distribution, and response rate (completed follow-ups with a score / completed "
        "follow-ups)."
    ),
    "followup_completion": _(
        "Follow-ups due in the period (not cancelled): share done, "
        "and those still open past due."
    ),
    "repeat_complainants": _("Customers with two or more cases filed in the period."),
    "at_risk": _(
        "Customers with an open case that is escalated or was reopened, or "
        "whose follow-up in the period ended unsatisfied (the list counts all their "
        "cases)."
    ),
    "categories": _(
        "Cases filed in the period by category, against the period of the "
        "same length just before (trend); cumulative share shows the few categories "
        "behind most complaints."
    ),
    "root_causes": _(
        "Cases filed in the period by recorded root cause, with the same "
        "trend and cumulative share."
    ),
    "agents": _(
        "Per assignee: open cases now (workload), cases filed in the period and "
        "assigned to them, closed in the period, first-response SLA compliance of their "
        "cases decided in the period, and average satisfaction of their cases' "
        "follow-ups completed in the period."
    ),
    "skips": _(
        "Cases filed in the period that skipped steps, and which stages were "
        "skipped by the skips made in the period (stage_changed events of move skip)."
    ),
    "first_apology": _(
        "Business hours (the case's calendar) from filing to the first "
        "apology sent to the customer (the acknowledgement), for first apologies sent in "
        "the period: median and 90th percentile."
    ),
    "first_offer": _(
        "Of the cases whose first offer was made in the period, the share "
        "whose first offer was accepted (accepted or fulfilled)."
    ),
    "goodwill": _(
        "Goodwill spent: the value of the offers made in the period that have "
        "been fulfilled, per root cause of their case and per currency."
    ),
    "recurrence": _(
        "Of the customers with a case closed in the period, the share who "
        "filed another case within 90 days of that closing (a recent closing has had "
        "less time to recur)."
    ),
    "rescored": _(
        "Satisfaction before and after a second follow-up: each case with two "
        "or more scored follow-ups whose latest was completed in the period, its first "
        "score (before) against its latest (after), averaged. Scores come only from "
        "follow-ups, so a case scored once counts in neither."
    ),
    "iceberg": _(
        "The iceberg estimate: of the problems opened in the period (many "
        "cases, one cause), how many complaints each gathered (linked cases / problems)."
    ),
    "incidents": _(
        "Per incident opened in the period (managers only; newest 50): "
        "its linked cases (within the filter), linked customers and customers told, "
        "and of the linked cases how many were filed after their customer was told "
        "(we reached out first) against before it or never told."
    ),
}
