"""GET /api/v1/metrics/summary/: access, filters, problems and the schema.

The API helper routes the view in `api.urls`; this module routes it itself
(first), so the tests do not depend on that wiring.
"""

import pytest
from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from api.services import api_client_create
from complaints.actors import Actor
from dashboards.api import MetricsSummaryView
from dashboards.facts import facts_refresh
from tests.factories import StaffFactory

URL = "/api/v1/metrics/summary/"
urlpatterns = [
    path("api/v1/metrics/summary/", MetricsSummaryView.as_view()),
    path("", include("config.urls")),
]
pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.urls(__name__)]


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user) if user else None
    return client


@pytest.fixture
def cases(make_case, other_team):
    other_agent = StaffFactory(role="agent", teams=[other_team])
    make_case("acknowledged")
    make_case("new", team=other_team, by=other_agent)
    facts_refresh()  # as beat does every minute (views never write)


def test_without_credentials_the_answer_is_401():
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_an_agent_gets_403(agent):
    response = api_as(agent).get(URL)
    assert response.status_code == 403
    assert response.json()["status"] == 403


def test_a_service_client_key_gets_403(db):
    _, key = api_client_create(name="shop", by=Actor.system("tests"))
    response = APIClient().get(URL, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 403


def test_a_managers_key_sees_every_team(manager, cases):
    _, key = api_client_create(
        name="bi", username=manager.get_username(), by=Actor.system("tests")
    )
    response = APIClient().get(URL, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["opened"] == 2


def test_a_lead_sees_only_their_teams(lead, cases, other_team):
    client = api_as(lead)
    body = client.get(URL).json()
    assert body["opened"] == 1
    assert body["by_stage"]["acknowledged"] == 1 and body["by_stage"]["new"] == 0
    refused = client.get(URL, {"team": other_team.slug})
    assert refused.status_code == 400
    assert "team" in refused.json()["errors"]


def test_the_summary_carries_every_figure_with_the_contract_names(manager, cases):
    body = api_as(manager).get(URL, {"from": "2020-01-01", "channel": "web"}).json()
    assert body["from"] == "2020-01-01"
    for name in (
        "opened",
        "closed",
        "by_stage",
        "overdue",
        "escalated",
        "sla",
        "times",
        "offers",
        "satisfaction",
        "reopen",
        "skips",
        "agents",
    ):
        assert name in body
    assert body["bucket"] == "month"
    assert set(body["sla"]) == {"first_response", "resolution"}
    # No SLA policy exists here, so no deadline was decided: null, not 0 %.
    assert body["sla"]["first_response"] == {
        "met_on_time": 0,
        "missed": 0,
        "decided": 0,
        "compliance": None,
    }
    assert body["opened"] == 2


@pytest.mark.parametrize(
    "params",
    [
        {"from": "yesterday"},
        {"to": "2026-02-30"},
        {"from": "2026-05-02", "to": "2026-05-01"},
        {"from": "1000-01-01"},
        {"period": "forever"},
        {"team": "x" * 500},
        {"category": "\x00"},
        {"priority": "urgent!"},
        {"channel": "carrier-pigeon"},
    ],
)
def test_bad_values_are_a_400_problem(manager, params):
    response = api_as(manager).get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["title"] == "Invalid request" and body["errors"]


def test_every_figure_is_described_in_the_schema(db):
    schema = SchemaGenerator(patterns=urlpatterns[:1]).get_schema(public=True)
    operation = schema["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "from",
        "to",
        "team",
        "category",
        "priority",
        "channel",
    }
    summary = schema["components"]["schemas"]["Summary"]["properties"]
    undocumented = [
        name
        for name, prop in summary.items()
        if not prop.get("description")
        and not _component(schema, prop).get("description")
    ]
    assert undocumented == [], undocumented
    assert "Cases filed in the period." in summary["opened"]["description"]


def _component(schema: dict, prop: dict) -> dict:
    ref = prop.get("$ref") or (prop.get("allOf") or [{}])[0].get("$ref")
    if prop.get("items", {}).get("$ref"):
        return {"description": prop.get("description")}
    if not ref:
        return {}
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
