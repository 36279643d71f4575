"""Closing a case with `relationship_ended` over the API ends the relationship."""

import pytest

from complaints.models import Case
from customers.models import Customer

pytestmark = pytest.mark.django_db


def test_closing_with_relationship_ended_closes_every_open_case(
    api_as, agent, make_case
):
    case = make_case("listening")
    other = make_case("new", customer=case.customer)
    api = api_as(agent)

    response = api.post(
        f"/api/v1/complaints/{case.reference}/transitions/",
        {"to": "closed", "close_reason": "relationship_ended", "reason": "Abuse."},
        format="json",
    )

    assert response.status_code == 200, response.content
    customer = Customer.objects.get(pk=case.customer_id)
    assert (customer.relationship_status, customer.relationship_ended_reason) == (
        "ended",
        "Abuse.",
    )
    assert Case.objects.get(pk=other.pk).close_reason == "relationship_ended"


def test_closing_with_relationship_ended_without_a_reason_is_refused(
    api_as, agent, make_case
):
    case = make_case("listening")

    response = api_as(agent).post(
        f"/api/v1/complaints/{case.reference}/transitions/",
        {"to": "closed", "close_reason": "relationship_ended"},
        format="json",
    )

    assert response.status_code == 409
    assert [u["code"] for u in response.json()["unmet"]] == ["reason"]
    assert Customer.objects.get(pk=case.customer_id).relationship_status == "active"
