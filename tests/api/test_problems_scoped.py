"""Team leads see a problem only through their teams' cases, and only those cases.

One selector (`service_recovery.selectors.problem_links_visible_to`) decides
for the API and the pages alike; managers see every case of every problem.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Category
from service_recovery.models import Problem
from tests.factories import CaseFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def split_problem(team, other_team, agent, django_capture_on_commit_callbacks):
    """One kettle problem: three Care cases, three Billing cases."""
    kettles = Category.objects.create(name="Kettles", slug="kettles")
    cases = {"care": [], "billing": []}
    for name, on in (("care", team), ("billing", other_team)):
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                cases[name].append(
                    CaseFactory.file(category=kettles, team=on, by=agent)
                )
    problem = Problem.objects.get()
    assert problem.links.count() == 6
    return problem, cases


@pytest.fixture
def billing_lead(other_team):
    return StaffFactory(role="team_lead", teams=[other_team])


@pytest.fixture
def loner_lead(db):
    from teams.models import Team

    return StaffFactory(
        role="team_lead", teams=[Team.objects.create(name="Shops", slug="shops")]
    )


def _refs(cases) -> set[str]:
    return {c.reference for c in cases}


def test_a_lead_sees_only_their_teams_cases_of_a_problem(
    api_as, lead, billing_lead, manager, split_problem
):
    problem, cases = split_problem
    for user, expected in (
        (lead, _refs(cases["care"])),
        (billing_lead, _refs(cases["billing"])),
        (manager, _refs(cases["care"] + cases["billing"])),
    ):
        client = api_as(user)
        (row,) = client.get("/api/v1/problems/").json()["results"]
        assert row["cases_count"] == len(expected)
        detail = client.get(f"/api/v1/problems/{problem.pk}/").json()
        assert set(detail["cases"]) == expected


def test_a_lead_with_no_case_of_a_problem_does_not_see_it(
    api_as, client, loner_lead, split_problem
):
    problem, _ = split_problem
    api = api_as(loner_lead)
    assert api.get("/api/v1/problems/").json()["results"] == []
    assert api.get(f"/api/v1/problems/{problem.pk}/").status_code == 404
    closing = api.post(f"/api/v1/problems/{problem.pk}/close/")
    assert closing.status_code == 404
    client.force_login(loner_lead)
    assert client.get(f"/recovery/problems/{problem.pk}/").status_code == 404
    assert "Kettles" not in client.get("/recovery/problems/").content.decode()


def test_the_problem_pages_show_a_lead_only_their_cases(
    client, lead, manager, split_problem
):
    problem, cases = split_problem
    client.force_login(lead)
    listing = client.get("/recovery/problems/")
    assert listing.status_code == 200
    assert f'href="/recovery/problems/{problem.pk}/"' in listing.content.decode()
    page = client.get(f"/recovery/problems/{problem.pk}/").content.decode()
    for case in cases["care"]:
        assert case.reference in page
    for case in cases["billing"]:
        assert case.reference not in page
    client.force_login(manager)
    page = client.get(f"/recovery/problems/{problem.pk}/").content.decode()
    assert all(c.reference in page for c in cases["care"] + cases["billing"])


def test_agents_may_not_open_the_problem_pages(client, agent, split_problem):
    problem, _ = split_problem
    client.force_login(agent)
    assert client.get("/recovery/problems/").status_code == 403
    assert client.get(f"/recovery/problems/{problem.pk}/").status_code == 404


def test_the_problem_page_queries_do_not_grow_with_its_cases(
    client, manager, team, agent, split_problem, django_capture_on_commit_callbacks
):
    problem, _ = split_problem
    client.force_login(manager)
    url = f"/recovery/problems/{problem.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            CaseFactory.file(category=problem.category, team=team, by=agent)
    assert problem.links.count() == 10
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)
