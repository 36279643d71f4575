"""Each dashboard figure against the hand-built March (see test_metrics_dataset).

Not marked postgres: the same figures must come out of SQLite (`make demo`).
"""

from datetime import date

import pytest
from django.db import transaction

from dashboards.facts import facts_refresh
from dashboards.metrics import filter_parse, metrics_summary
from teams.models import Team
from tests.factories import StaffFactory
from tests.unit.test_metrics_dataset import NOW, build_march

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture(scope="module")
def march(django_db_setup, django_db_blocker):
    """Build the dataset once for the module; roll it back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        team = Team.objects.create(name="Care", slug="care")
        other = Team.objects.create(name="Billing team", slug="billing-team")
        agent = StaffFactory(role="agent", teams=[team], username="ann")
        lead = StaffFactory(role="team_lead", teams=[team], username="lea")
        manager = StaffFactory(role="manager", username="max")
        other_agent = StaffFactory(role="agent", teams=[other], username="bob")
        data = build_march(
            team=team, other_team=other, agent=agent, lead=lead, other_agent=other_agent
        )
        facts_refresh()  # as beat does every minute (views never write)
        data.users = {"agent": agent, "lead": lead, "manager": manager}
        data.summary = {
            role: summarise(data.users[role]) for role in ("lead", "manager")
        }
        yield data
        transaction.set_rollback(True)


def summarise(user, **params):
    flt = filter_parse(user=user, params={**MARCH, **params}, today=date(2026, 4, 3))
    return metrics_summary(user=user, flt=flt, now=NOW)


@pytest.fixture
def lead_view(march, db):
    return march.summary["lead"]


@pytest.fixture
def manager_view(march, db):
    return march.summary["manager"]


def test_opened_counts_cases_filed_in_the_period_the_lead_can_see(
    lead_view, manager_view
):
    assert lead_view["opened"] == 6
    assert manager_view["opened"] == 7


def test_closed_counts_cases_closed_in_the_period_even_if_filed_before(lead_view):
    assert lead_view["closed"] == 2  # B, and D filed in February


def test_backlog_starts_with_cases_open_at_the_period_start_and_follows_the_days(
    lead_view,
):
    series = lead_view["series"]
    assert len(series) == 31 and lead_view["bucket"] == "day"
    assert lead_view["backlog_at_start"] == 1  # D
    by_day = {row["start"].day: row for row in series}
    assert by_day[2]["opened"] == 1 and by_day[2]["backlog"] == 2
    assert by_day[3]["closed"] == 1 and by_day[3]["backlog"] == 1  # D withdrawn
    assert series[-1]["backlog"] == 1 + 6 - 2
    assert sum(row["opened"] for row in series) == 6


def test_by_stage_counts_open_cases_now(lead_view):
    assert lead_view["by_stage"] == {
        "new": 1,
        "listening": 1,
        "acknowledged": 2,
        "resolving": 1,
        "resolved": 0,
        "following_up": 0,
    }


def test_stalled_cases_are_open_ones_without_activity_for_a_week(lead_view):
    stalled = {row["stage"]: row["stalled"] for row in lead_view["stages"]}
    # E moved on 04-02; every other open case last changed in March.
    assert stalled == {
        "new": 1,
        "listening": 1,
        "acknowledged": 1,
        "resolving": 1,
        "resolved": 0,
        "following_up": 0,
    }


def test_overdue_counts_open_cases_with_a_running_clock_past_due(
    lead_view, manager_view
):
    assert lead_view["overdue"] == 3  # A (reopened), C, G; F's clock is paused
    assert manager_view["overdue"] == 4  # and H


def test_funnel_counts_how_far_cases_filed_in_the_period_got(lead_view):
    funnel = {row["stage"]: row["cases"] for row in lead_view["funnel"]}
    assert funnel == {
        "new": 6,
        "listening": 5,
        "acknowledged": 5,
        "resolving": 3,
        "resolved": 2,
        "following_up": 1,
        "closed": 1,
    }


def test_first_response_compliance_counts_on_time_against_missed(
    lead_view, manager_view
):
    sla = lead_view["sla"]["first_response"]
    # On time: A, B (exactly on due), F, G. Missed: C (never), E (due 03-31, late).
    assert (sla["met_on_time"], sla["missed"]) == (4, 2)
    assert sla["compliance"] == pytest.approx(0.6667)
    assert manager_view["sla"]["first_response"]["missed"] == 3  # and H


def test_resolution_compliance_ignores_paused_and_cancelled_clocks(lead_view):
    sla = lead_view["sla"]["resolution"]
    # On time: B. Missed: A (restarted at the reopen), C, G. F paused, D cancelled.
    assert (sla["met_on_time"], sla["missed"]) == (1, 3)
    assert sla["compliance"] == 0.25


def test_time_to_first_response_is_in_business_hours(lead_view):
    first = lead_view["times"]["first_response"]
    # A 1 h, B 4 h (Friday 16-17 and Monday 9-12), F 1 h, G 0.5 h.
    assert first["cases"] == 4
    assert first["median_hours"] == 1.0
    assert first["p90_hours"] == pytest.approx(3.1)


def test_time_to_resolution_excludes_the_wait_on_the_customer(lead_view):
    resolution = lead_view["times"]["resolution"]
    # Only B stays resolved: 5 h before the wait and 5 h after it.
    assert resolution == {"cases": 1, "median_hours": 10.0, "p90_hours": 10.0}


def test_escalations_are_counted_by_level(lead_view):
    assert [row["escalations"] for row in lead_view["escalations"]] == [1, 0]
    assert lead_view["escalated"] == 1


def test_reopen_rate_is_the_share_of_filed_cases_reopened(lead_view):
    assert lead_view["reopen"] == {"reopened_cases": 1, "reopens": 1, "rate": 0.1667}


def test_offers_by_kind_with_amounts_acceptance_and_approvals(lead_view):
    offers = {row["kind"]: row for row in lead_view["offers"]["by_kind"]}
    refund, credit = offers["refund"], offers["credit"]
    assert (refund["count"], refund["accepted"], refund["acceptance_rate"]) == (
        2,
        2,
        1.0,
    )
    assert refund["amounts"] == [
        {
            "currency": "EUR",
            "offers": 2,
            "total": "130.00",
            "average": "65.00",
            "granted_total": "130.00",
        }
    ]
    assert (credit["count"], credit["decided"], credit["acceptance_rate"]) == (
        2,
        1,
        0.0,
    )
    assert credit["needed_approval_share"] == 1.0
    assert credit["amounts"][0]["total"] == "350.00"
    assert credit["amounts"][0]["granted_total"] == "0.00"
    assert lead_view["offers"]["approvals_pending"] == 1


def test_satisfaction_average_distribution_and_response_rate(lead_view):
    sat = lead_view["satisfaction"]
    assert sat["average"] == 3.0
    assert [row["followups"] for row in sat["distribution"]] == [0, 1, 0, 1, 0]
    assert (sat["completed"], sat["response_rate"], sat["unsatisfied"]) == (2, 1.0, 1)
    assert lead_view["followups"] == {
        "due": 2,
        "done": 2,
        "overdue": 0,
        "completion_rate": 1.0,
    }


def test_repeat_complainants_and_customers_at_risk(march, lead_view):
    customers = lead_view["customers"]
    assert customers["repeat_complainants"] == 1
    assert customers["repeat_top"][0]["customer_id"] == march.cases["E"].customer_id
    assert customers["at_risk"] == 2  # A reopened and unhappy, C escalated
    at_risk = {row["customer_id"] for row in customers["at_risk_top"]}
    assert at_risk == {march.cases["A"].customer_id, march.cases["C"].customer_id}


def test_categories_rank_with_trend_and_cumulative_share(lead_view):
    rows = [
        (r["slug"], r["cases"], r["previous"], r["cumulative_share"])
        for r in lead_view["categories"]
    ]
    assert rows == [
        ("delivery", 3, 1, 0.5),
        ("billing", 2, 0, 0.8333),
        ("", 1, 0, 1.0),
    ]


def test_root_causes_count_recorded_causes(lead_view):
    causes = {r["slug"]: r["cases"] for r in lead_view["root_causes"]}
    assert causes == {"": 5, "packaging": 1}


def test_agents_show_workload_compliance_and_satisfaction(lead_view):
    (ann,) = lead_view["agents"]
    assert ann == {
        "username": "ann",
        "open": 4,  # A, E, F, G (C is unassigned)
        "filed": 5,
        "closed": 1,
        "sla_decided": 5,
        "sla_compliance": 0.8,
        "csat_average": 3.0,
    }


def test_skipped_steps_are_counted_and_named(lead_view):
    skips = lead_view["skips"]
    assert (skips["cases"], skips["steps"]) == (1, 1)
    assert [(row["stage"], row["skips"]) for row in skips["stages"]] == [
        ("acknowledged", 1)
    ]


def test_filters_narrow_every_figure(march, db):
    billing = summarise(march.users["manager"], category="billing")
    assert billing["opened"] == 2
    assert billing["sla"]["first_response"]["met_on_time"] == 1  # F
    assert billing["skips"]["cases"] == 1
    urgent = summarise(march.users["manager"], priority="urgent")
    assert urgent["opened"] == 0 and urgent["offers"]["by_kind"] == []


def test_a_period_boundary_splits_what_happened_either_side(march, db):
    first_week = summarise(
        march.users["lead"], **{"from": "2026-03-01", "to": "2026-03-07"}
    )
    assert first_week["opened"] == 2  # A, B (Friday 16:00)
    assert first_week["closed"] == 1  # D
    # A's resolution deadline was replaced at the reopen; B's falls due later.
    assert first_week["sla"]["first_response"]["met_on_time"] == 1  # A
    later = summarise(march.users["lead"], **{"from": "2026-03-08", "to": "2026-03-31"})
    assert later["sla"]["first_response"]["met_on_time"] == 3  # B on Monday, F, G
    assert later["backlog_at_start"] == 2  # A, B open at the start of 03-08


def test_time_to_first_apology_is_in_business_hours(lead_view):
    # A 1 h, B 4 h (Fri 16:00 → Mon 12:00), G 0.5 h; E apologised in April.
    assert lead_view["recovery"]["first_apology"] == {
        "cases": 3,
        "median_hours": 1.0,
        "p90_hours": 3.4,
    }


def test_first_offer_acceptance_counts_each_cases_first_offer(lead_view):
    # A's refund accepted; B's first (the credit) declined; G's pending.
    assert lead_view["recovery"]["first_offer"] == {
        "cases": 3,
        "accepted": 1,
        "rate": 0.3333,
    }


def test_goodwill_is_the_fulfilled_offers_per_root_cause_and_currency(lead_view):
    assert lead_view["recovery"]["goodwill"] == [
        {
            "root_cause": "(none recorded)",
            "currency": "EUR",
            "offers": 1,
            "total": "80.00",
        },
        {"root_cause": "Packaging", "currency": "EUR", "offers": 1, "total": "50.00"},
    ]
    # B and D closed in March; neither customer has filed again.
    assert lead_view["recovery"]["recurrence"] == {
        "customers": 2,
        "again": 0,
        "rate": 0.0,
    }
