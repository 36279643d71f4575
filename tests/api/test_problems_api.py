"""GET /api/v1/problems/ and working a problem through the API (leads, managers)."""

import pytest

from complaints.models import Category
from service_recovery.models import Problem
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem(team, agent, django_capture_on_commit_callbacks):
    kettles = Category.objects.create(name="Kettles", slug="kettles", default_team=team)
    for _ in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            CaseFactory.file(category=kettles, by=agent)
    return Problem.objects.get()


def test_managers_and_leads_list_problems_with_their_cases_count(
    api_as, manager, lead, problem
):
    for user in (manager, lead):
        response = api_as(user).get("/api/v1/problems/")
        assert response.status_code == 200
        (row,) = response.json()["results"]
        assert row["id"] == problem.pk
        assert row["cases_count"] == 6
        assert row["status"] == "open"


def test_agents_and_service_clients_may_not_see_problems(
    api_as, service, agent, problem
):
    assert api_as(agent).get("/api/v1/problems/").status_code == 403
    assert service.get("/api/v1/problems/").status_code == 403


def test_a_manager_owns_acts_on_and_closes_a_problem(api_as, manager, lead, problem):
    client = api_as(manager)
    url = f"/api/v1/problems/{problem.pk}/"
    response = client.post(url + "owner/", {"owner": lead.username}, format="json")
    assert response.status_code == 200
    assert response.json()["owner"] == lead.username
    response = client.post(
        url + "actions/", {"text": "Swapped the kettle supplier"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert [a["text"] for a in body["actions"]] == ["Swapped the kettle supplier"]
    assert body["effect"]["before"] == 6 and body["effect"]["worked"] is None
    assert len(body["cases"]) == 6
    assert client.post(url + "close/").json()["status"] == "closed"


def test_an_agent_cannot_own_a_problem(api_as, manager, agent, problem):
    response = api_as(manager).post(
        f"/api/v1/problems/{problem.pk}/owner/",
        {"owner": agent.username},
        format="json",
    )
    assert response.status_code == 422
    assert "owner" in response.json()["errors"]


@pytest.mark.parametrize("body", [{}, {"text": ""}, ["x"], {"text": "x" * 6000}])
def test_a_bad_action_is_refused_cleanly(api_as, manager, problem, body):
    response = api_as(manager).post(
        f"/api/v1/problems/{problem.pk}/actions/", body, format="json"
    )
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/problem+json")
