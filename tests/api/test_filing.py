"""POST /api/v1/complaints/: filing, customer matching, SLA clocks, input errors."""

import pytest

from complaints.models import Case, Category, Event
from customers.models import Customer
from tests.api.conftest import complaint_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"


def test_filing_creates_the_case_with_its_clocks_and_answers_201(service, sla_policy):
    response = service.post(
        URL,
        complaint_body(priority="normal", metadata={"order": "SO-1"}),
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get(reference=body["reference"])
    assert response["Location"] == f"/api/v1/complaints/{case.reference}/"
    assert response["ETag"] == '"1"'
    assert body["stage"] == "new"
    assert body["channel"] == "api"
    assert body["metadata"] == {"order": "SO-1"}
    assert sorted(d["kind"] for d in body["deadlines"]) == [
        "first_response",
        "resolution",
    ]
    assert case.api_client is not None
    assert Event.objects.filter(case=case, kind="case_filed").count() == 1


def test_a_category_routes_the_case_to_its_team(service, team):
    Category.objects.create(name="Delivery", slug="delivery", default_team=team)
    body = service.post(URL, complaint_body(category="delivery"), format="json").json()
    assert body["category"] == "delivery"
    assert body["team"] == "care"


def test_customers_match_by_external_ref_first_then_email_ignoring_case(service):
    known = service.post(
        URL,
        complaint_body(
            customer={
                "email": "ada@example.com",
                "name": "Ada",
                "external_ref": "shop-1",
            }
        ),
        format="json",
    ).json()["customer"]
    by_ref = complaint_body(
        customer={"email": "new@example.com", "name": "Ada", "external_ref": "shop-1"}
    )
    by_email = complaint_body(customer={"email": "ADA@Example.com", "name": "Ada L."})
    first = service.post(URL, by_ref, format="json").json()
    second = service.post(URL, by_email, format="json").json()
    assert first["customer"]["id"] == second["customer"]["id"] == known["id"]
    assert Customer.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": "x", "description": "y"}, "customer"),
        (complaint_body(priority="critical"), "priority"),
        (complaint_body(channel="pigeon"), "channel"),
        (complaint_body(subject=["not", "text"]), "subject"),
        (complaint_body(customer={"email": "not-an-email", "name": "A"}), "customer"),
        (complaint_body(customer="ada@example.com"), "customer"),
        (complaint_body(occurred_at="yesterday"), "occurred_at"),
        (complaint_body(metadata=[1, 2]), "metadata"),
        (complaint_body(category="no-such-category"), "category"),
        (complaint_body(subject="x" * 201), "subject"),
    ],
)
def test_invalid_input_is_a_400_problem_naming_the_field(body, field, service):
    response = service.post(URL, body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == "Invalid request"
    assert field in problem["errors"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"', b"null", b""])
def test_malformed_or_non_object_json_is_a_400_problem(raw, service):
    response = service.generic("POST", URL, raw, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_body_over_one_mebibyte_is_a_413_problem(service):
    huge = complaint_body(description="x" * (1_048_576 + 10))
    response = service.post(URL, huge, format="json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


def test_a_form_encoded_body_is_415(service):
    response = service.post(URL, {"subject": "x"})
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"


def test_an_unknown_api_path_is_a_404_problem(service):
    response = service.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
