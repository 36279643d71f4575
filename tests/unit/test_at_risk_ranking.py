"""Customers at risk when more than ten have open escalations: only those
tied with or above the tenth-most-escalated are ranked, by open escalations,
then by all their cases, then by id; the count takes in every customer with
an open escalated or reopened case."""

import pytest

from complaints.models import Case
from complaints.services import case_escalate
from dashboards.facts import facts_refresh
from dashboards.metrics import filter_parse, metrics_summary
from dashboards.metrics.figures import TOP
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_top_is_ranked_among_the_most_escalated_only(make_case, manager):
    # Escalations per customer: three with 3, eight with 2, one with 1; and
    # one with a reopened case only (at risk, never in this top).
    plan = [3, 3, 3, *[2] * 8, 1]
    customers = [CustomerFactory() for _ in plan]
    for number, (customer, escalations) in enumerate(zip(customers, plan)):
        for _ in range(escalations):
            case = make_case("acknowledged", customer=customer)
            case_escalate(case=case, level=1, by=manager, reason="late")
        for _ in range(number % 3):  # closed cases: more cases, no escalation
            make_case("closed", customer=customer)
    reopened = make_case("listening", customer=CustomerFactory())
    Case.objects.filter(pk=reopened.pk).update(reopen_count=1)
    for _ in range(5):  # most cases of all, but nothing open and escalated
        make_case("closed", customer=reopened.customer)
    facts_refresh()

    flt = filter_parse(user=manager, params={"period": "30d"})
    found = metrics_summary(user=manager, flt=flt)["customers"]

    def row(customer):
        cases = Case.objects.filter(customer=customer)
        open_cases = cases.exclude(stage="closed")
        return {
            "customer_id": customer.pk,
            "cases": cases.count(),
            "open": open_cases.count(),
            "escalated": open_cases.filter(escalation_level__gt=0).count(),
            "name": customer.name,
        }

    expected = sorted(
        (row(c) for c in customers),
        key=lambda r: (-r["escalated"], -r["cases"], r["customer_id"]),
    )[:TOP]
    assert found["at_risk_top"] == expected
    assert expected[-1]["escalated"] == 2  # the tenth: ties at 2 ranked by cases
    assert found["at_risk"] == len(customers) + 1
