"""The service-recovery figures that the March dataset cannot show: 90-day
recurrence per customer, satisfaction before and after a second follow-up,
and the iceberg estimate (complaints per problem), each against a small
hand-built set of cases with known answers (period: March 2026).
"""

from collections import Counter
from datetime import UTC, date, datetime

import pytest
from django.db.models import Q
from django.test import Client

from complaints.lifecycle.stages import transition
from complaints.models import Case, Stage
from dashboards.facts import facts_rebuild, facts_refresh
from dashboards.metrics import filter_parse, metrics_summary
from followups.services import followup_complete
from service_recovery.models import Problem
from service_recovery.problems import problem_link
from tests.factories import CaseFactory, CustomerFactory
from tests.unit.test_metrics_dataset import at

pytestmark = pytest.mark.django_db
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
NOW = datetime(2026, 8, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_automatic_problems(settings):
    settings.PROBLEM_THRESHOLD = 1000  # only the problems the tests open


def recovery(user, **params) -> dict:
    flt = filter_parse(user=user, params=params or MARCH, today=date(2026, 8, 1))
    return metrics_summary(user=user, flt=flt, now=NOW)["recovery"]


def closed(when, customer, make_case):
    with when:
        return make_case(Stage.CLOSED, customer=customer)


def test_recurrence_is_the_share_of_customers_who_filed_again_within_90_days(
    manager, make_case
):
    x, y, z = CustomerFactory(), CustomerFactory(), CustomerFactory()
    closed(at(3, 5, 10), x, make_case)
    closed(at(3, 10, 10), y, make_case)
    closed(at(3, 20, 10), z, make_case)
    closed(at(3, 25, 10), z, make_case)  # z filed again 5 days after closing
    with at(3, 31, 12):
        facts_refresh()
    assert recovery(manager)["recurrence"] == {
        "customers": 3,  # z counts once
        "again": 1,
        "rate": 0.3333,
    }
    with at(5, 1, 10):  # x again, 57 days after the closing
        make_case(customer=x)
    with at(7, 1, 10):  # y again, but 113 days after
        make_case(customer=y)
    with at(7, 2, 10):
        facts_refresh()  # the new filings rewrite x's and y's closed cases too
    found = recovery(manager)["recurrence"]
    assert found == {"customers": 3, "again": 2, "rate": 0.6667}
    facts_rebuild()
    assert recovery(manager)["recurrence"] == found


def test_a_period_reaching_now_counts_each_customer_at_their_latest_closing(
    manager, make_case
):
    # Over every case and up to now, a customer is counted by their latest
    # closing (and latest closing followed by another filing), not by a
    # distinct count over the period's cases: the same figures.
    x, y, z = CustomerFactory(), CustomerFactory(), CustomerFactory()
    for when, customer in [(at(3, 5, 10), x), (at(3, 10, 10), y)]:
        closed(when, customer, make_case)
    closed(at(3, 20, 10), z, make_case)
    closed(at(3, 25, 10), z, make_case)  # z filed again 5 days after closing
    with at(5, 1, 10):  # x again, 57 days after the closing
        make_case(customer=x)
    with at(7, 1, 10):
        facts_refresh()
    to_now = {"from": "2026-03-01", "to": "2026-08-01"}
    assert recovery(manager, **to_now)["recurrence"] == {
        "customers": 3,
        "again": 2,
        "rate": 0.6667,
    }
    since = {"from": "2026-03-15", "to": "2026-08-01"}  # z's closings only
    assert recovery(manager, **since)["recurrence"] == {
        "customers": 1,
        "again": 1,
        "rate": 1.0,
    }


@pytest.mark.parametrize("period", [{"period": "all"}, {"period": "90d"}])
def test_repeat_complainants_of_a_period_reaching_now_are_counted_by_their_filings(
    manager, make_case, period
):
    # Over every case and up to now, by each customer's second-latest filing
    # and (all time) their count of cases: the same as counting the period's.
    x, y, z = CustomerFactory(), CustomerFactory(), CustomerFactory()
    for month, customers in [(1, [x, y, z]), (5, [x, y]), (6, [x]), (7, [z])]:
        for customer in customers:
            closed(at(month, 10, 10), customer, make_case)
    with at(7, 20, 10):
        facts_refresh()
    flt = filter_parse(user=manager, params=period, today=date(2026, 8, 1))
    found = metrics_summary(user=manager, flt=flt, now=NOW)["customers"]
    filed = Counter(
        customer
        for customer, when in Case.objects.values_list("customer_id", "created_at")
        if flt.lower <= when < flt.upper
    )
    repeat = sorted((-n, pk) for pk, n in filed.items() if n >= 2)
    assert (
        found["repeat_complainants"]
        == len(repeat)
        == (3 if "all" in period.values() else 1)
    )
    assert [(r["customer_id"], r["cases"]) for r in found["repeat_top"]] == [
        (pk, -n) for n, pk in repeat
    ]


def test_satisfaction_before_and_after_compares_a_cases_first_and_latest_score(
    manager, agent, make_case
):
    with at(2, 10, 10):
        case = make_case(Stage.FOLLOWING_UP)
    with at(2, 12, 10):  # unsatisfied: the case is reopened
        followup_complete(
            followup=case.followups.get(), outcome="unsatisfied", csat=2, by=agent
        )
    case.refresh_from_db()
    with at(3, 10, 10):
        for step in ("acknowledged", "resolving", "resolved", "following_up"):
            case = CaseFactory._step(case, step, agent)
    with at(3, 12, 10):
        followup = case.followups.filter(status="scheduled").get()
        followup_complete(followup=followup, outcome="satisfied", csat=5, by=agent)
    closed(at(3, 15, 10), CustomerFactory(), make_case)  # scored once: not compared
    with at(3, 31, 12):
        facts_refresh()
    assert recovery(manager)["rescored"] == {"cases": 1, "before": 2.0, "after": 5.0}
    february = recovery(manager, **{"from": "2026-02-01", "to": "2026-02-28"})
    assert february["rescored"] == {"cases": 0, "before": None, "after": None}


@pytest.mark.parametrize("since", ["2026-01-01", "2026-03-01", "2026-05-01"])
def test_customers_at_risk_in_a_period_reaching_now_are_found_by_their_latest_unhappy_follow_up(
    manager, agent, make_case, since
):
    # Unsatisfied follow-ups in February and in April on one case, in March
    # on another, and an open escalated case: a period reaching now finds
    # the unhappy customers by each case's latest unsatisfied follow-up.
    unhappy = {}
    for month in (2, 3):
        with at(month, 10, 10):
            case = make_case(Stage.FOLLOWING_UP)
        with at(month, 12, 10):
            followup_complete(
                followup=case.followups.get(), outcome="unsatisfied", by=agent
            )
        unhappy[month] = case.customer_id
    case = Case.objects.get(customer_id=unhappy[2])
    with at(4, 1, 10):
        for step in ("acknowledged", "resolving", "resolved", "following_up"):
            case = CaseFactory._step(case, step, agent)
    with at(4, 3, 10):
        followup = case.followups.filter(status="scheduled").get()
        followup_complete(followup=followup, outcome="unsatisfied", by=agent)
    with at(4, 10, 10):  # closed again: no longer at risk for being open
        for case in Case.objects.filter(customer_id__in=unhappy.values()):
            transition(case, Stage.CLOSED, by=agent, close_reason="withdrawn")
    with at(4, 20, 10):
        facts_refresh()
    period = {"from": since, "to": "2026-08-01"}
    found = metrics_summary(
        user=manager,
        flt=filter_parse(user=manager, params=period, today=date(2026, 8, 1)),
        now=NOW,
    )["customers"]
    expected = {
        "2026-01-01": {unhappy[2], unhappy[3]},
        "2026-03-01": {unhappy[2], unhappy[3]},  # the first in April again
        "2026-05-01": set(),
    }[since]
    open_customers = Case.objects.filter(closed_at__isnull=True).filter(
        Q(escalation_level__gt=0) | Q(reopen_count__gt=0)
    )
    at_risk_now = set(open_customers.values_list("customer_id", flat=True))
    assert not at_risk_now & set(unhappy.values())  # at risk only as unhappy
    assert found["at_risk"] == len(expected | at_risk_now)


def test_the_iceberg_estimate_is_complaints_per_problem_opened_in_the_period(
    manager, lead, agent, make_case, other_team
):
    ours = [make_case("new") for _ in range(4)]
    theirs = make_case("new", team=other_team)

    def problem(key, opened, cases):
        made = Problem.objects.create(
            key=key, basis="category", title=key, opened_at=opened
        )
        problem_link(problem=made, cases=cases, now=opened)

    problem("one", datetime(2026, 3, 2, tzinfo=UTC), ours[:3])
    problem("two", datetime(2026, 3, 20, tzinfo=UTC), [ours[3], theirs])
    problem("february", datetime(2026, 2, 20, tzinfo=UTC), ours[:2])
    facts_refresh()
    assert recovery(manager)["iceberg"] == {
        "problems": 2,
        "cases": 5,
        "per_problem": 2.5,
    }
    assert recovery(lead)["iceberg"] == {"problems": 2, "cases": 4, "per_problem": 2.0}


@pytest.mark.postgres
def test_the_page_shows_a_service_recovery_section_and_its_csv(manager, make_case):
    make_case("closed")
    facts_refresh()
    client = Client()
    client.force_login(manager)
    html = client.get("/dashboard/").content.decode()
    assert 'id="section-recovery"' in html and "Goodwill spent per root cause" in html
    assert 'id="chart-goodwill"' in html
    response = client.get("/dashboard/export/recovery.csv")
    body = b"".join(response.streaming_content).decode().splitlines()
    assert body[0] == "Figure,Yes,Of,Share"
    assert body[1] == "First offer accepted,1,1,1.0"
    api = client.get("/api/v1/metrics/summary/").json()["recovery"]
    assert api["first_offer"] == {"cases": 1, "accepted": 1, "rate": 1.0}
    assert api["first_apology"]["cases"] == 1
