"""POST /inbound/email/: bearer token, content type, size, and the ingest outcomes."""

from pathlib import Path

import pytest

from complaints.models import Case
from mail.models import InboundEmail

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "email"
URL = "/inbound/email/"
TOKEN = "s3cret-token"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.INBOUND_EMAIL_TOKEN = TOKEN
    settings.REPLY_TO_ADDRESS = "care@example.com"


def post(client, raw: bytes, *, token=TOKEN, content_type="message/rfc822", **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.generic(
        "POST", URL, raw, content_type=content_type, **headers, **extra
    )


@pytest.mark.django_db
def test_a_message_files_a_case_and_answers_its_reference(client):
    response = post(client, (FIXTURES / "plain.eml").read_bytes())
    assert response.status_code == 201
    reference = Case.objects.get().reference
    assert response.json() == {"outcome": "created", "reference": reference}
    again = post(client, (FIXTURES / "plain.eml").read_bytes())
    assert (again.status_code, again.json()) == (
        200,
        {"outcome": "duplicate", "reference": None},
    )


@pytest.mark.django_db
def test_ignored_and_refused_say_why(client):
    body = post(client, (FIXTURES / "out_of_office.eml").read_bytes()).json()
    assert body["outcome"] == "ignored" and body["reference"] is None
    assert body["reason"].startswith("auto-reply")
    body = post(client, (FIXTURES / "malformed_headers.eml").read_bytes()).json()
    assert body == {
        "outcome": "refused",
        "reference": None,
        "reason": "no sender address",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("token", "status"),
    [(None, 401), ("", 401), ("wrong", 403), (TOKEN + "x", 403), ("s3cret-tokeñ", 403)],
)
def test_the_token_is_required(client, token, status):
    response = post(client, b"From: a@b.c\r\n\r\nhi", token=token)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == status
    assert not InboundEmail.objects.exists()


@pytest.mark.django_db
def test_basic_auth_is_not_a_bearer_token(client):
    response = client.post(
        URL, b"x", content_type="message/rfc822", HTTP_AUTHORIZATION=f"Basic {TOKEN}"
    )
    assert response.status_code == 401


@pytest.mark.django_db
def test_without_a_configured_token_everything_is_forbidden(client, settings):
    settings.INBOUND_EMAIL_TOKEN = ""
    assert post(client, b"x", token="anything").status_code == 403


@pytest.mark.django_db
def test_only_rfc822_is_accepted(client):
    response = post(client, b'{"a": 1}', content_type="application/json")
    assert response.status_code == 415
    assert response.json()["title"] == "Unsupported Media Type"


@pytest.mark.django_db
def test_too_large_is_413(client, settings):
    settings.INBOUND_EMAIL_MAX_BYTES = 1000
    response = post(client, b"From: a@b.c\r\n\r\n" + b"x" * 2000)
    assert response.status_code == 413
    assert not InboundEmail.objects.exists()


@pytest.mark.django_db
def test_bodies_above_djangos_memory_cap_are_taken(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    raw = b"From: a@example.org\r\nMessage-ID: <big@x>\r\n\r\n" + b"long text " * 500
    response = post(client, raw)
    assert response.status_code == 201


@pytest.mark.django_db
def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405
