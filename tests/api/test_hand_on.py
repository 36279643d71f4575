"""Handing a case on over the API follows the one rule the pages follow (CONTRACT §9)."""

import pytest

from complaints.models import Case
from tests.api.conftest import complaint_body
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def path(case, suffix=""):
    return f"/api/v1/complaints/{case.reference}/{suffix}"


def test_an_agents_key_cannot_hand_a_case_to_a_colleague(api_as, agent, make_case):
    case = make_case("new")
    colleague = StaffFactory(role="agent", teams=[case.team])
    response = api_as(agent).patch(
        path(case), {"assignee": colleague.username}, format="json"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    case.refresh_from_db()
    assert case.assignee is None


def test_an_agents_key_cannot_take_a_colleagues_case(api_as, agent, make_case):
    colleague = StaffFactory(role="agent", teams=[agent.staff.teams.get()])
    case = make_case("listening", by=colleague)
    response = api_as(agent).patch(
        path(case), {"assignee": agent.username}, format="json"
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.assignee == colleague


def test_an_agent_takes_an_unassigned_case_of_their_team_and_hands_it_back(
    api_as, agent, make_case
):
    case = make_case("new")
    client = api_as(agent)
    taken = client.patch(path(case), {"assignee": agent.username}, format="json")
    assert taken.status_code == 200
    assert taken.json()["assignee"] == agent.username
    back = client.patch(path(case), {"assignee": None}, format="json")
    assert back.status_code == 200
    assert back.json()["assignee"] is None


def test_a_lead_hands_to_an_agent_of_the_team_not_of_another(
    api_as, lead, agent, make_case, other_team
):
    case = make_case("new")
    client = api_as(lead)
    done = client.patch(path(case), {"assignee": agent.username}, format="json")
    assert done.status_code == 200
    outsider = StaffFactory(role="agent", teams=[other_team])
    refused = client.patch(path(case), {"assignee": outsider.username}, format="json")
    assert refused.status_code == 422
    assert "assignee" in refused.json()["errors"]
    case.refresh_from_db()
    assert case.assignee == agent


def test_a_service_client_cannot_hand_cases_on(service, agent, team):
    from complaints.models import Category

    Category.objects.create(name="Care", slug="care", default_team=team)
    filed = service.post(
        "/api/v1/complaints/", complaint_body(category="care"), format="json"
    )
    case = Case.objects.get(reference=filed.json()["reference"])
    response = service.patch(path(case), {"assignee": agent.username}, format="json")
    assert response.status_code == 403


def test_a_case_filed_without_category_is_listed_for_leads_and_managers_only(
    service, api_as, agent, lead, manager
):
    filed = service.post("/api/v1/complaints/", complaint_body(), format="json")
    assert filed.status_code == 201
    reference = filed.json()["reference"]
    assert filed.json()["team"] is None

    def listed(user) -> set[str]:
        rows = api_as(user).get("/api/v1/complaints/").json()["results"]
        return {row["reference"] for row in rows}

    other_lead = StaffFactory(role="team_lead", teams=[])
    assert reference in listed(lead)
    assert reference in listed(other_lead)
    assert reference in listed(manager)
    assert reference not in listed(agent)
    assert api_as(agent).get(f"/api/v1/complaints/{reference}/").status_code == 404


def test_assigning_a_triage_case_gives_it_the_assignees_team_and_they_open_it(
    api_as, lead, agent, team, make_case
):
    case = make_case("new", team=None, by=lead)
    response = api_as(lead).patch(
        path(case), {"assignee": agent.username}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["team"] == team.slug
    opened = api_as(agent).get(path(case))
    assert opened.status_code == 200


def test_a_triage_case_cannot_go_to_someone_without_exactly_one_team(
    api_as, lead, team, other_team, make_case
):
    case = make_case("new", team=None, by=lead)
    both = StaffFactory(role="agent", teams=[team, other_team])
    response = api_as(lead).patch(
        path(case), {"assignee": both.username}, format="json"
    )
    assert response.status_code == 422
    assert "assignee" in response.json()["errors"]


def test_a_follow_up_owner_outside_the_cases_team_is_refused(
    api_as, lead, make_case, other_team
):
    case = make_case("resolved")
    case.customer.consent_to_contact = True
    case.customer.save()
    outsider = StaffFactory(role="agent", teams=[other_team])
    body = {"due_at": "2099-01-01T10:00:00Z", "channel": "phone"}
    refused = api_as(lead).post(
        path(case, "followups/"), {**body, "owner": outsider.username}, format="json"
    )
    assert refused.status_code == 422
    assert "owner" in refused.json()["errors"]
    colleague = StaffFactory(role="agent", teams=[case.team])
    done = api_as(lead).post(
        path(case, "followups/"), {**body, "owner": colleague.username}, format="json"
    )
    assert done.status_code == 201
    assert done.json()["owner"] == colleague.username
