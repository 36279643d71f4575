"""Schemathesis on the webhook routes with a key that may use them: no 5xx, no
reply off the schema (the API-wide run uses a key without `webhooks:manage`)."""

import pytest
import schemathesis

from api.services import api_client_create
from complaints.actors import Actor
from config.wsgi import application
from tests.api.test_schemathesis import _fuzz
from webhooks.services import subscription_create

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def keep_test_connection():
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_webhook_routes_answer_no_5xx_and_stay_on_schema(keep_test_connection):
    client, key = api_client_create(
        name="fuzz", scopes=["webhooks:manage"], by=Actor.system("tests")
    )
    subscription_create(
        client=client,
        url="https://hooks.example.com/",
        events=["case.created"],
        by=Actor.system("tests"),
    )
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    failures, fuzzed = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if "/webhooks/" not in operation.path:
            continue
        fuzzed += 1
        failures += _fuzz(operation, {"Authorization": f"Token {key}"})
    assert fuzzed == 6
    assert not failures, "\n\n".join(failures[:5])
