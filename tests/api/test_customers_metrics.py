"""Customers with their history, and the metrics summary behind the API's rules."""

import pytest

from customers.models import Customer
from dashboards.facts import facts_as_of, facts_refresh
from tests.api.conftest import ALL_SCOPES, complaint_body

pytestmark = pytest.mark.django_db


def test_creating_a_customer_matches_an_existing_one_first(api_as, manager):
    client = api_as(manager)
    body = {"email": "grace@example.com", "name": "Grace", "consent_to_contact": True}
    created = client.post("/api/v1/customers/", body, format="json")
    assert created.status_code == 201
    assert created.json()["consent_to_contact"] is True
    again = client.post(
        "/api/v1/customers/", {**body, "email": "GRACE@example.com"}, format="json"
    )
    assert again.status_code == 200
    assert again.json()["id"] == created.json()["id"]
    assert Customer.objects.count() == 1


def test_the_customer_detail_carries_the_history_summary(api_as, agent, make_case):
    case = make_case("closed")
    customer = case.customer
    make_case("listening", customer=customer, assignee=agent)
    history = api_as(agent).get(f"/api/v1/customers/{customer.pk}/").json()["history"]
    assert history["cases"] == 2
    assert history["open"] == 1
    assert history["satisfied"] == 1
    assert history["unresolved"] == 0
    assert history["last_handled_by"] == agent.username
    assert history["consent_to_contact"] is True


def test_patch_edits_contact_details_and_consent(api_as, agent, make_case):
    customer = make_case("new").customer
    response = api_as(agent).patch(
        f"/api/v1/customers/{customer.pk}/",
        {"phone": "+44 20 7946 0000", "consent_to_contact": False},
        format="json",
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.phone == "+44 20 7946 0000"
    assert customer.consent_to_contact is False
    assert customer.consent_updated_at is not None


def test_a_service_client_reads_customers_only_inside_its_cases(api_as, make_case):
    # Contract change (§9): service clients have no customer endpoint at all.
    client = api_as(scopes=["complaints:write", "complaints:read"])
    mine = client.post("/api/v1/complaints/", complaint_body(), format="json").json()
    other = make_case("new").customer
    assert client.get("/api/v1/customers/").status_code == 403
    assert client.get(f"/api/v1/customers/{mine['customer']['id']}/").status_code == 403
    assert client.get(f"/api/v1/customers/{other.pk}/").status_code == 403
    denied = client.patch(f"/api/v1/customers/{other.pk}/", {}, format="json")
    assert denied.status_code == 403
    body = {"email": other.email, "name": "Probe"}
    probing = api_as(scopes=ALL_SCOPES).post("/api/v1/customers/", body, format="json")
    assert probing.status_code == 403


def test_metrics_answer_a_lead_with_the_figures_of_visible_cases(
    api_as, lead, make_case
):
    make_case("new")
    facts_refresh()  # as beat does every minute (views never write)
    response = api_as(lead).get("/api/v1/metrics/summary/")
    assert response.status_code == 200
    figures = response.json()
    assert figures["opened"] == 1
    assert figures["by_stage"]["new"] == 1


def test_metrics_need_credentials_and_a_lead_or_manager(anon, api_as, agent):
    assert anon.get("/api/v1/metrics/summary/").status_code == 401
    writer = api_as(scopes=["complaints:write"])
    assert writer.get("/api/v1/metrics/summary/").status_code == 403
    assert api_as(agent).get("/api/v1/metrics/summary/").status_code == 403


def test_metrics_reject_a_bad_date_with_a_400_problem(api_as, manager):
    response = api_as(manager).get("/api/v1/metrics/summary/", {"from": "someday"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_metrics_say_as_of_when_the_period_figures_were_refreshed(
    api_as, manager, make_case
):
    make_case("acknowledged")
    client = api_as(manager)
    before = client.get("/api/v1/metrics/summary/", {"period": "90d"}).json()
    assert before["as_of"] is None  # never refreshed: no period figures yet
    assert before["times"]["first_response"]["cases"] == 0
    assert before["by_stage"]["acknowledged"] == 1  # figures about now are live
    facts_refresh()
    after = client.get("/api/v1/metrics/summary/", {"period": "90d"}).json()
    assert after["as_of"] == facts_as_of().isoformat().replace("+00:00", "Z")
    assert after["times"]["first_response"]["cases"] == 1
