"""The inbox: access, queues and counts, filters, sorting, paging, one-click take."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.actors import Actor
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_the_inbox_asks_anonymous_visitors_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_page_has_labelled_username_and_password(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username">' in html and '<label for="id_password">' in html


def test_an_agent_sees_only_the_cases_of_their_teams(
    agent_client, make_case, other_team
):
    mine = make_case("new", subject="Ours")
    theirs = CaseFactory.file(team=other_team, subject="Not ours")
    html = agent_client.get("/?queue=all").content.decode()
    assert mine.reference in html
    assert theirs.reference not in html


def test_queues_are_counted(agent_client, agent, make_case):
    make_case("listening")  # assigned to the agent
    make_case("new")
    make_case("new")
    closed = make_case("closed")
    response = agent_client.get("/")
    counts = response.context["counts"]
    assert counts["mine"] == 1
    assert counts["unassigned"] == 2
    assert counts["closed"] == 1
    assert counts["all"] == 3
    assert closed.reference not in response.content.decode()


def test_taking_a_case_from_the_inbox_returns_its_updated_row(
    agent_client, agent, make_case
):
    case = make_case("new")
    response = agent_client.post(
        f"/cases/{case.reference}/take/",
        {"version": case.version, "from": "inbox"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<tr") and agent.username in html
    case.refresh_from_db()
    assert case.assignee == agent


def test_taking_a_case_someone_changed_meanwhile_is_refused_in_the_row(
    agent_client, lead, make_case
):
    from complaints.services import case_assign

    case = make_case("new")
    stale = case.version
    case_assign(case=case, assignee=lead, by=lead)
    response = agent_client.post(
        f"/cases/{case.reference}/take/",
        {"version": stale, "from": "inbox"},
        HTTP_HX_REQUEST="true",
    )
    assert "Someone else changed this case first" in response.content.decode()
    case.refresh_from_db()
    assert case.assignee == lead


def test_filters_and_search_narrow_the_list(agent_client, make_case):
    urgent = make_case("new", priority="urgent", subject="Smashed teapot")
    normal = make_case("new", subject="Late delivery")
    html = agent_client.get("/?queue=all&priority=urgent").content.decode()
    assert urgent.reference in html and normal.reference not in html
    html = agent_client.get("/?queue=all&q=teapot").content.decode()
    assert urgent.reference in html and normal.reference not in html
    html = agent_client.get(f"/?queue=all&q={normal.reference}").content.decode()
    assert normal.reference in html and urgent.reference not in html
    lowered = normal.reference.lower()
    html = agent_client.get(f"/?queue=all&q={lowered}").content.decode()
    assert normal.reference in html and urgent.reference not in html
    html = agent_client.get("/?queue=all&stage=listening").content.decode()
    assert urgent.reference not in html and normal.reference not in html


def test_sorting_by_priority_puts_urgent_first(agent_client, make_case):
    low = make_case("new", priority="low")
    urgent = make_case("new", priority="urgent")
    rows = agent_client.get("/?queue=all&sort=priority").context["page"].object_list
    refs = [c.reference for c in rows]
    assert refs.index(urgent.reference) < refs.index(low.reference)


def test_garbage_parameters_never_break_the_inbox(agent_client, make_case):
    make_case("new")
    response = agent_client.get(
        "/?queue=nope&sort=x&category=abc&customer=-1&page=zzz&stage=%00"
    )
    assert response.status_code == 200


def test_the_list_is_paginated(agent_client, make_case):
    for _ in range(27):
        make_case("new")
    first = agent_client.get("/?queue=unassigned")
    assert len(first.context["page"].object_list) == 25
    second = agent_client.get("/?queue=unassigned&page=2")
    assert len(second.context["page"].object_list) == 2


def test_deadlines_are_worded_in_business_time_with_text_not_colour_alone(
    agent_client, sla_policy, make_case
):
    case = make_case("new")
    html = agent_client.get("/?queue=all").content.decode()
    assert "due in 1 h" in html
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        response = agent_client.get("/?queue=overdue")
        html = response.content.decode()
    assert case.reference in html
    assert "overdue by 2 h" in html and "due-overdue" in html
    assert response.context["counts"]["overdue"] == 1


def _inbox_queries(client) -> int:
    cache.clear()  # measure the worst case: queue counts not cached
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/?queue=all").status_code == 200
    return len(ctx.captured_queries)


def test_inbox_queries_do_not_grow_with_rows(
    agent_client, make_case, sla_policy, django_assert_max_num_queries
):
    for _ in range(2):
        make_case("listening")
    few = _inbox_queries(agent_client)
    for _ in range(20):
        make_case("acknowledged")
    cache.clear()
    with django_assert_max_num_queries(few):
        agent_client.get("/?queue=all")
    assert _inbox_queries(agent_client) == few


def test_a_lead_assigns_from_the_inbox_row(lead_client, agent, make_case):
    case = make_case("new")
    page = lead_client.get("/?queue=unassigned").content.decode()
    assert f'id="assign-{case.reference}"' in page
    response = lead_client.post(
        f"/cases/{case.reference}/assign/",
        {"version": case.version, "assignee": agent.pk, "from": "inbox"},
        HTTP_HX_REQUEST="true",
    )
    assert response.content.decode().lstrip().startswith("<tr")
    case.refresh_from_db()
    assert case.assignee == agent


def test_an_agent_gets_no_assign_menu_in_the_inbox(agent_client, make_case):
    case = make_case("new")
    page = agent_client.get("/?queue=unassigned").content.decode()
    assert f'id="assign-{case.reference}"' not in page


def test_counts_are_cached_briefly_and_dropped_after_the_users_own_change(
    agent_client, agent, make_case
):
    cache.clear()
    case = make_case("new")
    assert agent_client.get("/").context["counts"]["unassigned"] == 1
    make_case("new")  # someone else's change: the badge may lag a few seconds
    assert agent_client.get("/").context["counts"]["unassigned"] == 1
    agent_client.post(f"/cases/{case.reference}/take/", {"version": case.version})
    counts = agent_client.get("/").context["counts"]
    assert (counts["unassigned"], counts["mine"]) == (1, 1)


def test_the_navigation_follows_the_role(agent_client, lead_client):
    assert 'href="/dashboard/"' not in agent_client.get("/").content.decode()
    assert 'href="/dashboard/"' in lead_client.get("/").content.decode()


def test_logging_in_and_out(client, agent):
    from tests.factories import PASSWORD

    response = client.post(
        "/accounts/login/", {"username": agent.username, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client, agent):
    response = client.post(
        "/accounts/login/", {"username": agent.username, "password": "nope"}
    )
    assert "do not match" in response.content.decode()


def test_the_team_filter_narrows_a_managers_list_to_one_team(
    manager_client, make_case, other_team
):
    care = make_case("new", subject="Care case")
    billing = make_case(
        "new", team=other_team, by=Actor.system("test"), subject="Billing case"
    )
    html = manager_client.get(f"/?queue=all&team={other_team.slug}").content.decode()
    assert billing.reference in html and care.reference not in html
    html = manager_client.get("/?queue=all&team=no-such-team").content.decode()
    assert billing.reference not in html and care.reference not in html
