"""Closing an incident (API and page): once, the closing message to those told."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import EventKind
from notifications.models import Outbox
from notifications.services import outbox_deliver_many
from service_recovery.models import Incident, IncidentNotice
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

OUTAGE = {
    "title": "Payments were down on Tuesday",
    "customer_message": "Some card payments failed on Tuesday morning.",
}
CLOSING = "Payments work again; every failed charge has been refunded."


@pytest.fixture
def incident(api_as, manager):
    response = api_as(manager).post("/api/v1/incidents/", OUTAGE, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _deliver():
    return outbox_deliver_many(ids=Outbox.objects.values_list("pk", flat=True))


def test_close_emails_those_told_once_and_a_second_close_is_refused(
    api_as, manager, make_case, incident, mailoutbox
):
    client = api_as(manager)
    base = f"/api/v1/incidents/{incident['id']}/"
    case = make_case("listening")
    told = CustomerFactory()
    withdrew = CustomerFactory()
    never_told = CustomerFactory()
    client.post(base + "cases/", {"references": [case.reference]}, format="json")
    client.post(
        base + "customers/", {"customers": [told.pk, withdrew.pk]}, format="json"
    )
    assert client.post(base + "notify/").json() == {"notified": 3}
    withdrew.consent_to_contact = False
    withdrew.save()
    client.post(base + "customers/", {"customers": [never_told.pk]}, format="json")
    _deliver()
    mail.outbox.clear()

    first = client.post(base + "close/", {"closing_message": CLOSING}, format="json")
    second = client.post(base + "close/", {"closing_message": "again"}, format="json")
    _deliver()
    _deliver()

    assert first.status_code == 200, first.content
    assert first.json()["notified"] == 2
    assert first.json()["incident"]["closed_at"]
    assert first.json()["incident"]["closing_message"] == CLOSING
    assert second.status_code == 409
    assert second["Content-Type"].startswith("application/problem+json")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [case.customer.email, told.email]
    )
    assert all(CLOSING in m.body for m in mail.outbox)
    closed = Incident.objects.get(pk=incident["id"])
    assert (closed.closed_by, closed.closing_message) == (manager, CLOSING)
    assert case.events.filter(kind=EventKind.INCIDENT_CLOSED).count() == 1
    assert IncidentNotice.objects.filter(closing_sent_at__isnull=False).count() == 2


def test_a_closed_incident_takes_no_links_and_notifies_nobody(
    api_as, manager, make_case, incident
):
    client = api_as(manager)
    base = f"/api/v1/incidents/{incident['id']}/"
    closed = client.post(base + "close/", {}, format="json")
    assert closed.status_code == 200 and closed.json()["notified"] == 0

    case = make_case("listening")
    refused = [
        client.post(base + "cases/", {"references": [case.reference]}, format="json"),
        client.post(
            base + "customers/", {"customers": [CustomerFactory().pk]}, format="json"
        ),
        client.post(base + "notify/"),
        client.post(
            base + "customers/import/",
            {"file": SimpleUploadedFile("c.csv", b"someone@example.com\n")},
            format="multipart",
        ),
    ]

    assert [r.status_code for r in refused] == [409, 409, 409, 409]
    assert Outbox.objects.count() == 0
    assert not Incident.objects.get(pk=incident["id"]).case_links.exists()


def test_close_without_a_message_emails_nobody(api_as, manager, incident, mailoutbox):
    client = api_as(manager)
    base = f"/api/v1/incidents/{incident['id']}/"
    client.post(base + "customers/", {"customers": [CustomerFactory().pk]})
    client.post(base + "notify/")
    before = Outbox.objects.count()

    response = client.post(base + "close/", {"closing_message": "   "}, format="json")

    assert response.status_code == 200 and response.json()["notified"] == 0
    assert Outbox.objects.count() == before


@pytest.mark.parametrize(
    "body", [{"closing_message": "x" * 20_001}, {"closing_message": ["a"]}, []]
)
def test_bad_close_bodies_are_refused(api_as, manager, incident, body):
    response = api_as(manager).post(
        f"/api/v1/incidents/{incident['id']}/close/", body, format="json"
    )
    assert response.status_code in (400, 422)
    assert Incident.objects.get(pk=incident["id"]).closed_at is None


def test_only_managers_close(api_as, agent, lead, service, incident):
    url = f"/api/v1/incidents/{incident['id']}/close/"
    for client in (api_as(agent), api_as(lead), service):
        assert client.post(url, {}, format="json").status_code in (403, 404)
    assert Incident.objects.get(pk=incident["id"]).closed_at is None


def test_the_page_closes_once_with_its_form(client, manager, agent, incident):
    notice_to = CustomerFactory()
    obj = Incident.objects.get(pk=incident["id"])
    from service_recovery.incidents import incident_link_customers, incident_notify

    incident_link_customers(incident=obj, customers=[notice_to], by=manager)
    incident_notify(incident=obj, by=manager)
    page_url = f"/recovery/incidents/{obj.pk}/"
    close_url = f"{page_url}close/"
    client.force_login(agent)
    assert client.post(close_url, {"closing_message": CLOSING}).status_code in (
        403,
        404,
    )
    client.force_login(manager)
    assert 'id="incident-close"' in client.get(page_url).content.decode()

    done = client.post(close_url, {"closing_message": CLOSING})
    again = client.post(close_url, {"closing_message": CLOSING})

    assert done.status_code == 302
    assert again.status_code == 409
    page = client.get(page_url).content.decode()
    assert 'id="incident-closed"' in page and 'id="incident-close"' not in page
    assert CLOSING in page
    closing = Outbox.objects.filter(key__contains=":closing:")
    assert list(closing.values_list("to", flat=True)) == [notice_to.email]
