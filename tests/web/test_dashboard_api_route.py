"""The metrics summary through the API's own route (its scopes and throttles)."""

import pytest
from rest_framework.test import APIClient

from api.services import api_client_create
from complaints.actors import Actor
from dashboards.facts import facts_refresh

URL = "/api/v1/metrics/summary/"
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_a_manager_key_reads_the_summary_through_the_api_route(manager, make_case):
    make_case("new")
    facts_refresh()
    _, key = api_client_create(
        name="bi",
        username=manager.get_username(),
        scopes=["complaints:read"],
        by=Actor.system("tests"),
    )
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    body = client.get(URL, {"period": "7d"}).json()
    assert body["opened"] == 1 and body["by_stage"]["new"] == 1
    bad = client.get(URL, {"to": "soon"})
    assert bad.status_code == 400 and "to" in bad.json()["errors"]


def test_an_agent_session_is_refused_on_the_api_route(agent):
    client = APIClient()
    client.force_authenticate(user=agent)
    assert client.get(URL).status_code == 403
