"""Who may call what: 401 without credentials, 403 without scope, 404 across teams."""

import pytest
from django.test import Client

from api.models import ApiClient
from api.services import api_client_revoke
from complaints.actors import Actor
from tests.api.conftest import client_with, complaint_body
from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db


def test_a_request_without_credentials_is_401_with_a_token_challenge(anon):
    response = anon.get("/api/v1/complaints/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


@pytest.mark.parametrize(
    "header", ["Token nope", "Token abc.def", "Token", "Token a b", "Token \u00e9"]
)
def test_a_bad_or_malformed_key_is_401(header, anon):
    anon.credentials(HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
    response = anon.get("/api/v1/complaints/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_revoked_key_is_401(key_for):
    key = key_for(scopes=["complaints:read"])
    api_client_revoke(client=ApiClient.objects.get(), by=Actor.system("tests"))
    assert client_with(key).get("/api/v1/complaints/").status_code == 401


def test_a_key_records_when_it_was_last_used(key_for):
    key = key_for(scopes=["complaints:read"])
    client_with(key).get("/api/v1/ping/")
    assert ApiClient.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    ("scopes", "method", "path", "allowed"),
    [
        (["complaints:read"], "post", "/api/v1/complaints/", False),
        (["complaints:write"], "post", "/api/v1/complaints/", True),
        (["complaints:write"], "get", "/api/v1/complaints/", False),
        (["complaints:read"], "get", "/api/v1/complaints/", True),
        # Customers are shared records: no scope opens them to a service (§9).
        (["complaints:read", "cases:manage"], "get", "/api/v1/customers/", False),
        (["complaints:write"], "get", "/api/v1/metrics/summary/", False),
        # The dashboards' figures are for team leads and managers only.
        (["complaints:read"], "get", "/api/v1/metrics/summary/", False),
    ],
)
def test_a_service_client_needs_the_scope_of_the_route(
    scopes, method, path, allowed, api_as
):
    client = api_as(scopes=scopes)
    body = complaint_body() if method == "post" else None
    response = getattr(client, method)(path, body, format="json")
    if allowed:
        assert response.status_code in (200, 201)
    else:
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"


def test_working_a_case_needs_cases_manage(api_as):
    writer = api_as(scopes=["complaints:write", "complaints:read"])
    reference = writer.post(
        "/api/v1/complaints/", complaint_body(), format="json"
    ).json()["reference"]
    response = writer.post(
        f"/api/v1/complaints/{reference}/messages/",
        {"body": "Hello", "visibility": "internal"},
        format="json",
    )
    assert response.status_code == 403


def test_an_agents_key_sees_only_the_cases_of_their_teams(
    api_as, agent, other_team, make_case
):
    mine = make_case("new")
    theirs = make_case("new", team=other_team)
    client = api_as(agent)
    listed = {
        row["reference"] for row in client.get("/api/v1/complaints/").json()["results"]
    }
    assert listed == {mine.reference}
    assert client.get(f"/api/v1/complaints/{theirs.reference}/").status_code == 404
    moved = client.post(
        f"/api/v1/complaints/{theirs.reference}/transitions/",
        {"to": "listening"},
        format="json",
    )
    assert moved.status_code == 404


def test_a_service_client_sees_only_the_cases_it_filed(api_as, make_case):
    filer = api_as(scopes=["complaints:write", "complaints:read"])
    filed = filer.post("/api/v1/complaints/", complaint_body(), format="json").json()
    other = make_case("new")
    assert filer.get(f"/api/v1/complaints/{other.reference}/").status_code == 404
    assert filer.get(f"/api/v1/complaints/{filed['reference']}/").status_code == 200


def test_a_user_without_a_staff_role_is_403(api_as, django_user_model):
    user = django_user_model.objects.create_user("someone", password=PASSWORD)
    assert api_as(user).get("/api/v1/complaints/").status_code == 403


def test_the_timeline_names_a_service_client_as_the_actor(service):
    reference = service.post(
        "/api/v1/complaints/", complaint_body(), format="json"
    ).json()["reference"]
    events = service.get(f"/api/v1/complaints/{reference}/timeline/").json()["results"]
    assert events[0]["actor"] is None
    assert events[0]["actor_label"] == "api:test client"


def test_a_browser_session_works_but_needs_the_csrf_token(agent, make_case):
    case = make_case("new")
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username=agent.username, password=PASSWORD)
    assert browser.get(f"/api/v1/complaints/{case.reference}/").status_code == 200
    path = f"/api/v1/complaints/{case.reference}/transitions/"
    refused = browser.post(path, {"to": "listening"}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    browser.get("/accounts/login/")
    token = browser.cookies["csrftoken"].value
    moved = browser.post(
        path,
        {"to": "listening", "skip_reason": "x"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert moved.status_code == 409  # past CSRF; refused only for the missing assignee
    assert [u["code"] for u in moved.json()["unmet"]] == ["assignee"]


def test_ping_answers_any_valid_key_and_names_the_caller(api_as):
    agent_key_client = api_as(StaffFactory(role="agent"))
    assert agent_key_client.get("/api/v1/ping/").json()["ok"] is True
    service = api_as(scopes=["complaints:write"])
    assert service.get("/api/v1/ping/").json() == {
        "ok": True,
        "caller": "api:test client",
    }
