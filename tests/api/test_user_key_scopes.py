"""A key issued for a user acts with that user's role and within its scopes."""

import io

import pytest
from django.core.management import call_command

from api.models import ApiClient
from tests.api.conftest import client_with, complaint_body

pytestmark = pytest.mark.django_db


def issue(*args: str) -> tuple[str, str]:
    out = io.StringIO()
    call_command("create_api_client", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    return lines[0], lines[-1]


def test_a_read_only_user_key_cannot_file_complaints(lead):
    _, key = issue("crm", "--user", lead.get_username(), "--scopes", "complaints:read")
    client = client_with(key)
    assert client.get("/api/v1/complaints/").status_code == 200
    response = client.post("/api/v1/complaints/", complaint_body(), format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_a_read_only_user_key_cannot_move_a_case(lead, make_case):
    case = make_case("new")
    _, key = issue("crm", "--user", lead.get_username(), "--scopes", "complaints:read")
    client = client_with(key)
    assert client.get(f"/api/v1/complaints/{case.reference}/").status_code == 200
    response = client.post(
        f"/api/v1/complaints/{case.reference}/transitions/",
        {"to": "listening"},
        format="json",
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.stage == "new"


def test_a_read_only_user_key_cannot_create_customers(lead):
    _, key = issue("crm", "--user", lead.get_username(), "--scopes", "complaints:read")
    response = client_with(key).post(
        "/api/v1/customers/",
        {"email": "x@example.com", "name": "X"},
        format="json",
    )
    assert response.status_code == 403


def test_a_user_key_still_needs_the_users_role(agent, other_team, make_case):
    theirs = make_case("new", team=other_team)
    _, key = issue("crm", "--user", agent.get_username())
    client = client_with(key)
    assert client.get(f"/api/v1/complaints/{theirs.reference}/").status_code == 404


def test_a_user_key_without_scopes_holds_every_scope(lead, make_case):
    case = make_case("new")
    printed, key = issue("crm", "--user", lead.get_username())
    stored = ApiClient.objects.get(name="crm").scopes
    assert set(stored) == {
        "complaints:write",
        "complaints:read",
        "cases:manage",
        "webhooks:manage",
    }
    assert f"scopes: {', '.join(stored)}" in printed
    moved = client_with(key).post(
        f"/api/v1/complaints/{case.reference}/transitions/",
        {"to": "listening"},
        format="json",
    )
    # Allowed by scope and role; refused (409) only for the missing assignee.
    assert moved.status_code == 409


def test_the_printed_scopes_are_the_stored_ones(lead):
    printed, _ = issue(
        "crm", "--user", lead.get_username(), "--scopes", "complaints:read"
    )
    assert ApiClient.objects.get(name="crm").scopes == ["complaints:read"]
    assert "scopes: complaints:read)" in printed


def test_a_service_key_without_scopes_files_and_reads_only():
    printed, _ = issue("shop")
    stored = ApiClient.objects.get(name="shop").scopes
    assert stored == ["complaints:write", "complaints:read"]
    assert "service client; scopes: complaints:write, complaints:read" in printed
