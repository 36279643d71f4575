"""Vulnerability and representation (CONTRACT §15): consent first, who may
record them, where they show, and who receives letters."""

import pytest

from complaints.models import Event
from notifications.models import Outbox
from regimes.sending import letter_send
from regimes.support import customer_representative_record
from tests.factories import CaseFactory, StaffFactory

pytestmark = pytest.mark.django_db


def vuln_url(customer_id: int) -> str:
    return f"/api/v1/customers/{customer_id}/vulnerability/"


def rep_url(customer_id: int) -> str:
    return f"/api/v1/customers/{customer_id}/representative/"


@pytest.fixture
def case(settings, team, agent):
    settings.DEFAULT_REGIME = "fca"
    return CaseFactory.in_stage("listening", team=team, by=agent, assignee=agent)


def test_drivers_without_consent_are_refused(api_as, agent, case):
    response = api_as(agent).put(
        vuln_url(case.customer_id), {"drivers": ["health"]}, format="json"
    )
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["missing"] == ["consent"]
    assert not Event.objects.filter(kind="vulnerability_recorded").exists()


def test_drivers_with_consent_are_recorded_on_the_open_cases(api_as, agent, case, team):
    closed = CaseFactory.in_stage(
        "closed", team=team, customer=case.customer, by=agent, assignee=agent
    )
    response = api_as(agent).put(
        vuln_url(case.customer_id),
        {
            "drivers": ["health", "capability"],
            "adjustments": "Large print; calls in the morning.",
            "consent_from": "the customer, by phone",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["vulnerable"] is True
    assert body["drivers"] == ["health", "capability"]
    assert body["consent_from"] == "the customer, by phone"
    assert body["consent_at"]
    events = Event.objects.filter(kind="vulnerability_recorded")
    assert [e.case_id for e in events] == [case.pk]  # not on the closed one
    assert closed.pk != case.pk
    # The consent stands: later changes need not repeat it.
    again = api_as(agent).put(
        vuln_url(case.customer_id), {"drivers": ["resilience"]}, format="json"
    )
    assert again.status_code == 200
    assert again.json()["drivers"] == ["resilience"]


def test_withdrawing_consent_clears_the_drivers(api_as, agent, case):
    client = api_as(agent)
    client.put(
        vuln_url(case.customer_id),
        {"drivers": ["life_events"], "consent_from": "the customer"},
        format="json",
    )
    assert client.delete(vuln_url(case.customer_id)).status_code == 204
    shown = client.get(vuln_url(case.customer_id)).json()
    assert shown["drivers"] == [] and shown["consent_at"] is None
    refused = client.put(
        vuln_url(case.customer_id), {"drivers": ["health"]}, format="json"
    )
    assert refused.status_code == 409


def test_an_unknown_driver_is_a_validation_problem(api_as, agent, case):
    response = api_as(agent).put(
        vuln_url(case.customer_id),
        {"drivers": ["grumpy"], "consent_from": "x"},
        format="json",
    )
    assert response.status_code in (400, 422)
    assert "drivers" in response.json()["errors"]


def test_only_who_may_see_the_customer_records(api_as, case, other_team, service):
    stranger = StaffFactory(role="agent", teams=[other_team])
    body = {"drivers": ["health"], "consent_from": "the customer"}
    assert (
        api_as(stranger)
        .put(vuln_url(case.customer_id), body, format="json")
        .status_code
        == 404
    )
    assert (
        service.put(vuln_url(case.customer_id), body, format="json").status_code == 403
    )
    assert service.get(rep_url(case.customer_id)).status_code == 403


def test_case_detail_shows_them_to_staff_and_never_to_service_clients(
    api_as, agent, case, key_for
):
    client = api_as(agent)
    client.put(
        vuln_url(case.customer_id),
        {"drivers": ["health"], "consent_from": "the customer"},
        format="json",
    )
    client.put(
        rep_url(case.customer_id),
        {
            "name": "Sam Carer",
            "kind": "power_of_attorney",
            "authority": "Lasting power of attorney seen 1 Dec 2026",
        },
        format="json",
    )
    detail = client.get(f"/api/v1/complaints/{case.reference}/").json()
    assert detail["vulnerable"] is True
    assert detail["vulnerability"]["drivers"] == ["health"]
    assert detail["representative"]["name"] == "Sam Carer"
    customer = client.get(f"/api/v1/customers/{case.customer_id}/").json()
    assert customer["representative"]["kind"] == "power_of_attorney"
    assert customer["vulnerability"]["vulnerable"] is True

    from api.models import ApiClient
    from complaints.models import Case

    svc_key = key_for(scopes=["complaints:read"], name="shop")
    Case.objects.filter(pk=case.pk).update(
        api_client=ApiClient.objects.get(name="shop")
    )
    from tests.api.conftest import client_with

    svc = client_with(svc_key)
    seen = svc.get(f"/api/v1/complaints/{case.reference}/").json()
    assert seen["vulnerable"] is None
    assert seen["vulnerability"] is None and seen["representative"] is None
    kinds = [
        e["kind"]
        for e in svc.get(f"/api/v1/complaints/{case.reference}/timeline/").json()[
            "results"
        ]
    ]
    assert "vulnerability_recorded" not in kinds
    assert "representative_recorded" not in kinds
    staff_kinds = [
        e["kind"]
        for e in client.get(f"/api/v1/complaints/{case.reference}/timeline/").json()[
            "results"
        ]
    ]
    assert "vulnerability_recorded" in staff_kinds


def test_a_representative_needs_authority_and_an_email_for_letters(api_as, agent, case):
    response = api_as(agent).put(
        rep_url(case.customer_id),
        {
            "name": "Claims R Us",
            "kind": "claims_management_firm",
            "authority": "",
            "receives_letters": "copy",
        },
        format="json",
    )
    assert response.status_code in (400, 422)
    assert "authority" in response.json()["errors"]
    response = api_as(agent).put(
        rep_url(case.customer_id),
        {
            "name": "Claims R Us",
            "kind": "claims_management_firm",
            "authority": "Letter of authority signed 2 Dec",
            "receives_letters": "copy",
        },
        format="json",
    )
    assert response.status_code == 422
    assert "email" in response.json()["errors"]


@pytest.mark.parametrize(
    ("wants", "to", "copy_to"),
    [
        ("copy", "ada@example.com", "rep@claims.example"),
        ("instead", "rep@claims.example", ""),
        ("no", "ada@example.com", ""),
    ],
)
def test_letters_go_to_the_representative_as_recorded(case, agent, wants, to, copy_to):
    case.customer.email = "ada@example.com"
    case.customer.save()
    customer_representative_record(
        customer=case.customer,
        name="Claims R Us",
        kind="claims_management_firm",
        authority="Letter of authority",
        email="rep@claims.example",
        receives_letters=wants,
        by=agent,
    )
    letter = letter_send(case=case, kind="acknowledgement", by=agent)
    assert (letter.to, letter.copy_to) == (to, copy_to)
    mails = {m.key: m for m in Outbox.objects.filter(key__startswith="letter:")}
    assert mails[f"letter:{letter.pk}"].to == to
    if copy_to:
        copy = mails[f"letter:{letter.pk}:copy"]
        assert copy.to == copy_to
        assert letter.body in copy.body
        assert "/status/" not in copy.body  # the customer's own link stays theirs
    else:
        assert f"letter:{letter.pk}:copy" not in mails
    if wants == "instead":
        assert "/status/" not in mails[f"letter:{letter.pk}"].body


def test_removing_the_representative(api_as, agent, case):
    client = api_as(agent)
    client.put(
        rep_url(case.customer_id),
        {"name": "Mum", "kind": "family_member", "authority": "Customer said so"},
        format="json",
    )
    assert client.delete(rep_url(case.customer_id)).status_code == 204
    assert client.get(rep_url(case.customer_id)).status_code == 404
    assert Event.objects.filter(kind="representative_recorded").count() == 2


def test_text_the_database_cannot_store_is_a_validation_problem(api_as, agent, case):
    response = api_as(agent).put(
        vuln_url(case.customer_id),
        {"drivers": ["health"], "consent_from": "the\x00customer"},
        format="json",
    )
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/problem+json")
