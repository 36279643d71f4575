"""The customer's language through the API: recorded at filing, bounded, used by mail."""

import pytest

from customers.models import Customer
from notifications.customer_mail import customer_link_email
from notifications.models import Outbox
from tests.api.conftest import complaint_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"


def _customer(**extra):
    return {"email": "hans@example.com", "name": "Hans", **extra}


def test_a_client_may_file_a_customer_who_reads_german(service):
    response = service.post(
        URL, complaint_body(customer=_customer(language="de")), format="json"
    )
    assert response.status_code == 201
    customer = Customer.objects.get(email="hans@example.com")
    assert customer.language == "de"
    # The customer's emails from here on are German.
    case = customer.cases.get()
    assert customer_link_email(case=case, reason="test")
    mail = Outbox.objects.get(case=case, key__contains=":link:")
    assert mail.subject.endswith(f"Ein neuer Link zu Ihrer Beschwerde {case.reference}")
    assert mail.body.startswith("Guten Tag Hans,")


def test_without_a_language_the_customer_gets_the_sites(service):
    response = service.post(URL, complaint_body(customer=_customer()), format="json")
    assert response.status_code == 201
    customer = Customer.objects.get(email="hans@example.com")
    assert customer.language == ""
    assert customer_link_email(case=customer.cases.get(), reason="test")
    assert Outbox.objects.get(key__contains=":link:").body.startswith("Dear Hans,")


@pytest.mark.parametrize("language", ["xx", "de-DE", "fr", "", 7])
def test_a_language_redress_does_not_ship_is_a_400(service, language):
    response = service.post(
        URL, complaint_body(customer=_customer(language=language)), format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert not Customer.objects.exists()


def test_a_known_customer_keeps_the_language_they_have(service):
    service.post(URL, complaint_body(customer=_customer(language="de")), format="json")
    again = service.post(
        URL, complaint_body(customer=_customer(language="en-gb")), format="json"
    )
    assert again.status_code == 201
    assert Customer.objects.get().language == "de"


def test_a_known_customer_without_one_gains_it(service):
    service.post(URL, complaint_body(customer=_customer()), format="json")
    service.post(URL, complaint_body(customer=_customer(language="de")), format="json")
    assert Customer.objects.get().language == "de"


def test_api_answers_stay_machine_readable_for_a_german_client(service):
    response = service.post(
        URL,
        complaint_body(customer=_customer(), priority="nonsense"),
        format="json",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    body = response.json()
    # Field names and problem types never translate.
    assert "priority" in str(body)
    assert body["type"].startswith(("http", "about:", "/", "urn:"))
