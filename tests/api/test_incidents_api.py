"""/api/v1/incidents/: managers link cases and customers, notify each customer once."""

import pytest
from django.core import mail

from complaints.models import EventKind
from notifications.models import Outbox
from notifications.services import outbox_deliver_many
from service_recovery.models import IncidentNotice
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

OUTAGE = {
    "title": "Payments were down on Tuesday",
    "description": "The card processor failed from 09:00 to 11:30.",
    "customer_message": "Some card payments failed on Tuesday morning. "
    "You were not charged twice; here is what we are doing.",
}


@pytest.fixture
def incident(api_as, manager):
    response = api_as(manager).post("/api/v1/incidents/", OUTAGE, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_only_managers_open_incidents(api_as, agent, lead, service):
    for client in (api_as(agent), api_as(lead), service):
        response = client.post("/api/v1/incidents/", OUTAGE, format="json")
        assert response.status_code == 403


def test_linking_cases_links_their_customers_and_records_it(
    api_as, manager, make_case, incident
):
    cases = [make_case("listening") for _ in range(3)]
    url = f"/api/v1/incidents/{incident['id']}/cases/"

    response = api_as(manager).post(
        url, {"references": [c.reference for c in cases]}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["cases_count"], response.json()["customers_count"]) == (
        3,
        3,
    )
    for case in cases:
        assert case.events.filter(kind=EventKind.INCIDENT_LINKED).count() == 1
    again = api_as(manager).post(
        url, {"references": [cases[0].reference]}, format="json"
    )
    assert again.json()["cases_count"] == 3
    assert cases[0].events.filter(kind=EventKind.INCIDENT_LINKED).count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"references": ["C-2026-999999"]},
        {"references": []},
        {"references": "C-2026-000001"},
        {"references": ["x" * 5000]},
        [],
    ],
)
def test_unknown_or_bad_references_are_refused(api_as, manager, incident, body):
    response = api_as(manager).post(
        f"/api/v1/incidents/{incident['id']}/cases/", body, format="json"
    )
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "body", [{"customers": [99999999]}, {"customers": [-1]}, {"customers": ["a"]}]
)
def test_unknown_customers_are_refused(api_as, manager, incident, body):
    response = api_as(manager).post(
        f"/api/v1/incidents/{incident['id']}/customers/", body, format="json"
    )
    assert response.status_code in (400, 422)


def test_notify_emails_each_consenting_customer_once_then_only_the_new_ones(
    api_as, manager, make_case, incident, mailoutbox
):
    client = api_as(manager)
    base = f"/api/v1/incidents/{incident['id']}/"
    case = make_case("listening")
    yes = CustomerFactory()
    no = CustomerFactory(consent_to_contact=False)
    no_address = CustomerFactory(email="")
    client.post(base + "cases/", {"references": [case.reference]}, format="json")
    client.post(
        base + "customers/",
        {"customers": [yes.pk, no.pk, no_address.pk]},
        format="json",
    )
    mail.outbox.clear()

    first = client.post(base + "notify/")
    assert first.status_code == 200 and first.json() == {"notified": 2}
    outbox_deliver_many(ids=Outbox.objects.values_list("pk", flat=True))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [case.customer.email, yes.email]
    )
    assert "card payments failed" in mail.outbox[0].body
    assert "/incidents/" in mail.outbox[0].body

    late = CustomerFactory()
    client.post(base + "customers/", {"customers": [late.pk]}, format="json")
    second = client.post(base + "notify/")
    third = client.post(base + "notify/")
    # A restarted worker delivers whatever is pending, and nothing twice.
    outbox_deliver_many(ids=Outbox.objects.values_list("pk", flat=True))
    outbox_deliver_many(ids=Outbox.objects.values_list("pk", flat=True))

    assert (second.json(), third.json()) == ({"notified": 1}, {"notified": 0})
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [case.customer.email, yes.email, late.email]
    )
    assert IncidentNotice.objects.count() == 3
    listed = client.get("/api/v1/incidents/").json()["results"]
    assert listed[0]["notified_count"] == 3


def test_the_public_incident_page_opens_with_its_signed_link_only(
    client, manager, incident
):
    from service_recovery.incidents import incident_token
    from service_recovery.models import Incident

    token = incident_token(Incident.objects.get(pk=incident["id"]))
    page = client.get(f"/incidents/{token}/")
    assert page.status_code == 200
    assert "card payments failed" in page.content.decode()
    assert client.get(f"/incidents/{token[:-2]}xx/").status_code == 404
    assert client.get("/incidents/<script>/").status_code == 404
