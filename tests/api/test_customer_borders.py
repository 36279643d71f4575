"""Customers are shared records: who may read, edit or match them through the API.

CONTRACT §9: staff read and edit a customer only when the customer has a case
they may see (managers: all); a service client sees a customer only as part of
the cases it filed, and only what it sent itself.
"""

import pytest

from customers.models import Customer
from tests.api.conftest import ALL_SCOPES, client_with, complaint_body
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

FILE = "/api/v1/complaints/"


def customer_url(customer_id: int) -> str:
    return f"/api/v1/customers/{customer_id}/"


def known_customer() -> Customer:
    return CustomerFactory(
        name="Grace Hopper", email="grace@example.com", phone="+44 1 2345"
    )


def test_a_service_client_reads_no_customer_record(service, make_case):
    other = make_case("new").customer
    mine = service.post(FILE, complaint_body(), format="json").json()
    for url in (
        "/api/v1/customers/",
        customer_url(other.pk),
        customer_url(mine["customer"]["id"]),
    ):
        response = service.get(url)
        assert response.status_code == 403, url
        assert response["Content-Type"] == "application/problem+json"


def test_a_service_client_never_edits_or_creates_a_customer(service, make_case):
    other = make_case("new").customer
    patch = service.patch(
        customer_url(other.pk), {"email": "thief@example.com"}, format="json"
    )
    assert patch.status_code == 403
    create = service.post(
        "/api/v1/customers/", {"email": other.email, "name": "Probe"}, format="json"
    )
    assert create.status_code == 403
    other.refresh_from_db()
    assert other.email != "thief@example.com"


def test_filing_with_a_known_email_echoes_what_was_sent_not_the_record(service):
    grace = known_customer()
    sent = {"email": "GRACE@example.com", "name": "G. H.", "external_ref": "shop-9"}
    response = service.post(FILE, complaint_body(customer=sent), format="json")
    assert response.status_code == 201
    echoed = response.json()["customer"]
    assert echoed["name"] == "G. H."
    assert echoed["email"] == "GRACE@example.com"
    assert echoed["phone"] == ""
    assert echoed["external_ref"] == "shop-9"
    assert "Grace Hopper" not in response.content.decode()
    assert "+44 1 2345" not in response.content.decode()
    # The case is still filed for the one shared customer.
    reference = response.json()["reference"]
    assert Customer.objects.get().cases.get().reference == reference
    assert grace.cases.count() == 1


def test_a_service_clients_case_detail_and_list_echo_its_own_input(service):
    known_customer()
    sent = {"email": "grace@example.com", "name": "Mrs Hopper", "phone": "0700"}
    reference = service.post(FILE, complaint_body(customer=sent), format="json").json()[
        "reference"
    ]
    detail = service.get(f"{FILE}{reference}/").json()["customer"]
    listed = service.get(FILE).json()["results"][0]["customer"]
    for shown in (detail, listed):
        assert (shown["name"], shown["phone"]) == ("Mrs Hopper", "0700")
        assert shown["external_ref"] is None


def test_staff_see_the_customer_record_on_the_case(api_as, service, manager):
    known_customer()
    reference = service.post(
        FILE,
        complaint_body(customer={"email": "grace@example.com", "name": "G"}),
        format="json",
    ).json()["reference"]
    shown = api_as(manager).get(f"{FILE}{reference}/").json()["customer"]
    assert (shown["name"], shown["phone"]) == ("Grace Hopper", "+44 1 2345")


def test_a_service_client_cannot_redirect_the_mail_of_a_customer_it_matched(service):
    grace = known_customer()
    filed = service.post(
        FILE,
        complaint_body(customer={"email": "grace@example.com", "name": "G"}),
        format="json",
    ).json()
    patch = service.patch(
        customer_url(filed["customer"]["id"]), {"email": "x@evil.test"}, format="json"
    )
    assert patch.status_code == 403
    grace.refresh_from_db()
    assert grace.email == "grace@example.com"


def test_two_clients_with_one_external_ref_get_their_own_customers(api_as):
    shop = api_as(scopes=ALL_SCOPES)
    crm = api_as(scopes=ALL_SCOPES)
    first = shop.post(
        FILE,
        complaint_body(
            customer={"email": "a@example.com", "name": "A", "external_ref": "7"}
        ),
        format="json",
    ).json()
    second = crm.post(
        FILE,
        complaint_body(
            customer={"email": "b@example.com", "name": "B", "external_ref": "7"}
        ),
        format="json",
    ).json()
    assert first["customer"]["id"] != second["customer"]["id"]
    again = shop.post(
        FILE,
        complaint_body(
            customer={"email": "new@example.com", "name": "A", "external_ref": "7"}
        ),
        format="json",
    ).json()
    assert again["customer"]["id"] == first["customer"]["id"]
    assert again["customer"]["email"] == "new@example.com"


def test_filing_never_overwrites_another_clients_ref(api_as, manager):
    shop = api_as(scopes=ALL_SCOPES)
    crm = api_as(scopes=ALL_SCOPES)
    ada = {"email": "ada@example.com", "name": "Ada"}
    first = shop.post(
        FILE, complaint_body(customer={**ada, "external_ref": "shop-1"}), format="json"
    ).json()
    # The CRM knows Ada by her email only, under its own id.
    second = crm.post(
        FILE, complaint_body(customer={**ada, "external_ref": "crm-1"}), format="json"
    ).json()
    assert second["customer"]["id"] == first["customer"]["id"]
    assert second["customer"]["external_ref"] == "crm-1"
    # The shop still finds her by its own id, whatever email it sends now.
    third = shop.post(
        FILE,
        complaint_body(
            customer={
                "email": "ada@new.example",
                "name": "Ada",
                "external_ref": "shop-1",
            }
        ),
        format="json",
    ).json()
    assert third["customer"]["id"] == first["customer"]["id"]
    # And the CRM cannot reach her by the shop's id.
    fourth = crm.post(
        FILE,
        complaint_body(
            customer={"email": "z@example.com", "name": "Z", "external_ref": "shop-1"}
        ),
        format="json",
    ).json()
    assert fourth["customer"]["id"] != first["customer"]["id"]
    refs = api_as(manager).get(customer_url(first["customer"]["id"])).json()
    assert sorted(r["external_ref"] for r in refs["external_refs"]) == [
        "crm-1",
        "shop-1",
    ]


def test_an_agent_of_another_team_cannot_read_or_edit_the_customer(
    api_as, agent, other_team, make_case
):
    theirs = make_case("new").customer  # a case of the agent's team "care"
    stranger = api_as(StaffFactory(role="agent", teams=[other_team]))
    assert stranger.get(customer_url(theirs.pk)).status_code == 404
    edit = stranger.patch(customer_url(theirs.pk), {"name": "X"}, format="json")
    assert edit.status_code == 404
    listed = stranger.get("/api/v1/customers/").json()["results"]
    assert theirs.pk not in {row["id"] for row in listed}
    mine = api_as(agent).get("/api/v1/customers/").json()["results"]
    assert theirs.pk in {row["id"] for row in mine}


def test_a_lead_sees_the_customers_of_their_teams_cases(
    api_as, lead, other_team, make_case
):
    ours = make_case("new").customer
    elsewhere = make_case("new", team=other_team).customer
    lonely = CustomerFactory()
    client = api_as(lead)
    listed = {row["id"] for row in client.get("/api/v1/customers/").json()["results"]}
    assert ours.pk in listed
    assert not listed & {elsewhere.pk, lonely.pk}
    assert client.get(customer_url(ours.pk)).status_code == 200
    assert client.get(customer_url(elsewhere.pk)).status_code == 404


def test_a_manager_sees_every_customer(api_as, manager):
    lonely = CustomerFactory()
    client = api_as(manager)
    assert client.get(customer_url(lonely.pk)).status_code == 200
    listed = {row["id"] for row in client.get("/api/v1/customers/").json()["results"]}
    assert lonely.pk in listed


def test_last_handled_by_names_only_a_handler_the_viewer_may_see(
    api_as, agent, other_team, make_case
):
    ours = make_case("listening", assignee=agent)
    elsewhere_agent = StaffFactory(role="agent", teams=[other_team])
    make_case("listening", team=other_team, customer=ours.customer, by=elsewhere_agent)
    history = api_as(agent).get(customer_url(ours.customer_id)).json()["history"]
    assert history["last_handled_by"] == agent.username


def test_only_managers_create_customers_outside_filing(api_as, agent, manager):
    body = {"email": "new@example.com", "name": "New"}
    assert (
        api_as(agent).post("/api/v1/customers/", body, format="json").status_code == 403
    )
    assert (
        api_as(manager).post("/api/v1/customers/", body, format="json").status_code
        == 201
    )


def test_the_filing_echo_is_replayed_unchanged_by_idempotency(key_for):
    known_customer()
    client = client_with(key_for(scopes=ALL_SCOPES))
    body = complaint_body(customer={"email": "grace@example.com", "name": "Echo"})
    first = client.post(FILE, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post(FILE, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.json()["customer"] == again.json()["customer"]
    assert again.json()["customer"]["name"] == "Echo"


def test_mail_a_service_client_sends_is_signed_by_the_team_not_the_client(service):
    from notifications.models import Outbox

    reference = service.post(FILE, complaint_body(), format="json").json()["reference"]
    sent = service.post(
        f"{FILE}{reference}/messages/",
        {"body": "We are on it.", "visibility": "customer"},
        format="json",
    )
    assert sent.status_code == 201
    mail = Outbox.objects.get(case__reference=reference, to="ada@example.com")
    assert "We are on it." in mail.body
    assert "api:" not in mail.body and "test client" not in mail.body


def test_a_service_clients_search_cannot_probe_the_stored_name(service):
    known_customer()
    sent = {"email": "grace@example.com", "name": "G. H."}
    service.post(FILE, complaint_body(customer=sent), format="json")
    found = lambda q: service.get(FILE, {"q": q}).json()["results"]  # noqa: E731
    assert found("Hopper") == []
    assert len(found("G. H.")) == 1
    assert len(found("grace@")) == 1
