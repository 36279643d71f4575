"""Subject access: managers export everything held about a customer, on the
customer page and the API; everyone else is refused; each export is recorded."""

import html
import json
from datetime import UTC, datetime

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from complaints.models import EventKind
from customers.models import Customer
from records.anonymise import REPRESENTATIVE_NAME, case_anonymise, customer_anonymise
from records.export import subject_access_data, subject_access_html
from records.models import SubjectAccessExport
from tests.factories import CaseFactory

from .support import (
    ADJUSTMENTS,
    AUTHORITY,
    CONSENT,
    REP_EMAIL,
    REP_NAME,
    SECRET,
    attach,
    closed_case,
    supported,
)
from .test_anonymise_support import NOTE, approval, sent_letter

pytestmark = pytest.mark.django_db
CLOSED = datetime(2026, 3, 1, 10, tzinfo=UTC)


@pytest.fixture
def case(team, agent):
    case = closed_case(closed=CLOSED, by=agent, team=team)
    attach(case)
    return case


def test_the_json_export_holds_what_only_a_message_body_says(case, manager_client):
    response = manager_client.get(f"/customers/{case.customer_id}/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    (exported,) = data["cases"]
    bodies = [m["body"] for m in exported["messages"]]
    assert any(f"ring me about the {SECRET}" in b for b in bodies)
    assert data["customer"]["name"] == "Ada Quokka"
    assert exported["attachments"][0]["filename"] == "ada-passport.png"
    assert exported["offers"] and exported["followups"] and exported["timeline"]
    assert data["consents"]["consent_to_contact"] is True
    assert "inbound_emails" in data


def test_the_pdf_export_is_a_pdf(case, manager_client):
    response = manager_client.get(f"/customers/{case.customer_id}/export.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_printable_page_escapes_and_holds_the_message(case):
    case.customer.name = "<script>alert(1)</script>"
    case.customer.save()
    page = subject_access_html(subject_access_data(case.customer, by_label="m"))
    assert f"ring me about the {SECRET}" in page
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_each_export_is_recorded_with_who_and_when(case, manager, manager_client):
    manager_client.get(f"/customers/{case.customer_id}/export.json")
    record = SubjectAccessExport.objects.get()
    assert (record.by, record.format, record.via) == (manager, "json", "web")
    event = case.events.get(kind=EventKind.SUBJECT_ACCESS_EXPORTED)
    assert event.actor == manager


def test_staff_who_see_the_customer_but_are_no_managers_get_403(case, agent_client):
    response = agent_client.get(f"/customers/{case.customer_id}/export.json")
    assert response.status_code == 403
    assert not SubjectAccessExport.objects.exists()


def test_staff_who_cannot_see_the_customer_get_404(case, other_client):
    assert (
        other_client.get(f"/customers/{case.customer_id}/export.json").status_code
        == 404
    )


def test_an_unknown_format_is_404(case, manager_client):
    assert (
        manager_client.get(f"/customers/{case.customer_id}/export.xml").status_code
        == 404
    )


def test_the_api_export_is_for_manager_keys(case, manager, agent, api_as):
    url = f"/api/v1/customers/{case.customer_id}/export/"
    response = api_as(manager).get(url)
    assert response.status_code == 200
    assert SECRET in json.dumps(response.json()["cases"][0]["messages"])
    pdf = api_as(manager).get(url + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert SubjectAccessExport.objects.filter(via="api").count() == 2
    assert api_as(agent).get(url).status_code == 403
    service = api_as(scopes=["complaints:read", "complaints:write", "cases:manage"])
    refused = service.get(url)
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/problem+json")
    assert api_as(manager).get(url + "?format=xml").status_code == 400
    assert api_as(manager).get("/api/v1/customers/999999/export/").status_code == 404


def test_export_queries_do_not_grow_with_cases(team, agent):
    first = closed_case(closed=CLOSED, by=agent, team=team)
    customer = first.customer

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        fresh = Customer.objects.get(pk=customer.pk)  # nothing cached on it
        with CaptureQueriesContext(connection) as queries:
            subject_access_data(fresh, by_label="m")
        return len(queries)

    supported(customer)
    one = count()
    for _ in range(3):
        CaseFactory.in_stage("resolving", customer=customer, by=agent, team=team)
    assert count() == one


def test_a_hold_placed_and_lifted_on_the_customer_page(case, manager_client):
    page = f"/customers/{case.customer_id}/"
    assert "Place legal hold" in manager_client.get(page).content.decode()
    response = manager_client.post(
        f"/customers/{case.customer_id}/holds/",
        {"reason": "Court order 7", "case": case.reference},
    )
    assert response.status_code == 302
    hold = case.legal_holds.get()
    assert hold.active and hold.reason == "Court order 7"
    assert "Court order 7" in manager_client.get(page).content.decode()
    manager_client.post(f"/holds/{hold.pk}/lift/", {"reason": "Order discharged"})
    hold.refresh_from_db()
    assert not hold.active and hold.lift_reason == "Order discharged"
    assert case.events.filter(kind=EventKind.LEGAL_HOLD_LIFTED).count() == 1


def test_the_customer_page_says_how_long_each_case_is_kept(case, manager_client):
    page = manager_client.get(f"/customers/{case.customer_id}/").content.decode()
    # FCA: three years from the closure on 1 March 2026.
    assert f"{case.reference} ·" in page and "kept until 1 Mar 2029" in page


def test_the_customer_page_shows_an_anonymised_case(case, manager, manager_client):
    case_anonymise(case=case, by=manager, now=datetime(2029, 3, 2, tzinfo=UTC))
    page = manager_client.get(f"/customers/{case.customer_id}/").content.decode()
    assert "anonymised 2 Mar 2029" in page
    assert SECRET not in page


def test_agents_neither_see_nor_use_the_hold_forms(case, agent_client):
    page = agent_client.get(f"/customers/{case.customer_id}/").content.decode()
    assert "Place legal hold" not in page
    response = agent_client.post(
        f"/customers/{case.customer_id}/holds/", {"reason": "Because"}
    )
    assert response.status_code == 403
    assert not case.legal_holds.exists()


def test_the_export_holds_the_vulnerability_the_representative_and_copies(
    case, manager, manager_client, api_as
):
    supported(case.customer)
    sent_letter(case)
    approval(case, status="refused", body="A draft never sent.")
    response = manager_client.get(f"/customers/{case.customer_id}/export.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    vulnerability = data["vulnerability"]
    assert vulnerability["drivers"] == ["Health", "Life events"]
    assert vulnerability["adjustments"] == ADJUSTMENTS
    assert vulnerability["consent_from"] == CONSENT and vulnerability["consent_at"]
    rep = data["representative"]
    assert (rep["name"], rep["email"]) == (REP_NAME, REP_EMAIL)
    assert rep["authority"] == AUTHORITY and rep["kind"] == "power_of_attorney"
    assert rep["receives_letters"] == "copy" and rep["authority_recorded_at"]
    (exported,) = data["cases"]
    (letter,) = exported["letters"]
    assert (letter["to"], letter["copy_to"]) == ("ada@quokka.example", REP_EMAIL)
    (draft,) = exported["letter_approvals"]
    assert draft["body"] == "A draft never sent." and draft["note"] == NOTE
    # The API gives the same; the printable page (the PDF's source) too.
    api = api_as(manager).get(f"/api/v1/customers/{case.customer_id}/export/")
    assert api.json()["representative"]["name"] == REP_NAME
    page = subject_access_html(data)
    for text in (REP_NAME, REP_EMAIL, ADJUSTMENTS, CONSENT, AUTHORITY):
        assert html.escape(text) in page


def test_a_customer_without_support_records_exports_none(case):
    data = subject_access_data(case.customer, by_label="m")
    assert data["vulnerability"] is None and data["representative"] is None


def test_an_anonymised_customer_exports_no_representative(case, manager):
    supported(case.customer)
    sent_letter(case)
    customer_anonymise(
        customer=case.customer, by=manager, now=datetime(2029, 3, 2, tzinfo=UTC)
    )
    data = subject_access_data(case.customer, by_label="m")
    assert data["representative"]["name"] == REPRESENTATIVE_NAME
    assert data["representative"]["email"] == ""
    assert data["vulnerability"]["adjustments"] != ADJUSTMENTS
    assert data["cases"][0]["letters"][0]["copy_to"] == ""
    assert REP_NAME not in json.dumps(data, cls=DjangoJSONEncoder)
