"""Provider inbound webhooks (django-anymail, here Postmark with RawEmail) reach the same ingest."""

import base64
import json
from pathlib import Path

import pytest

from complaints.models import Case
from mail.models import InboundEmail

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "email"
URL = "/inbound/anymail/postmark/inbound/"


def basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


def post(client, raw: str, **headers):
    body = json.dumps({"RawEmail": raw, "MessageStream": "inbound"})
    return client.post(URL, body, content_type="application/json", **headers)


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret"}


@pytest.mark.django_db
def test_a_provider_post_files_a_case(client):
    raw = (FIXTURES / "iso8859.eml").read_bytes().decode("latin-1")
    response = post(client, raw, HTTP_AUTHORIZATION=basic("hook:s3cret"))
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.channel == "email" and case.customer.email == "renee@example.fr"
    assert InboundEmail.objects.get().source == "anymail:Postmark"


@pytest.mark.django_db
def test_a_wrong_secret_is_refused_and_nothing_stored(client):
    raw = (FIXTURES / "plain.eml").read_text()
    response = post(client, raw, HTTP_AUTHORIZATION=basic("hook:wrong"))
    assert response.status_code == 400
    assert not InboundEmail.objects.exists()


@pytest.mark.django_db
def test_without_a_secret_nothing_is_taken(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    raw = (FIXTURES / "plain.eml").read_text()
    # Off entirely: the route is not there (anymail would accept posts unsigned).
    assert post(client, raw).status_code == 404
    assert not InboundEmail.objects.exists()
