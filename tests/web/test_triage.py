"""Triage and the hand-on rule on the pages (CONTRACT §9): no case visible to nobody."""

import pytest
from django.test import Client

from complaints.models import Case, Event
from notifications.models import Notification, Outbox
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def complaint(**overrides) -> dict:
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "phone": "",
        "subject": "Not sure who handles this",
        "description": "Something went wrong and I do not know whom to ask.",
        "desired_outcome": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def triage_case(make_case, lead):
    return make_case("new", team=None, by=lead, subject="Lost in the post")


def test_a_public_complaint_without_category_lands_in_triage_and_tells_each_lead_once(
    client, lead, agent, manager, other_team, django_capture_on_commit_callbacks
):
    other_lead = StaffFactory(role="team_lead", teams=[other_team])
    for user in (lead, other_lead):
        user.email = f"{user.username}@example.com"
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/complain/", complaint()).status_code == 302
    case = Case.objects.get()
    assert case.team is None
    told = Notification.objects.filter(case=case, kind="triage")
    assert sorted(n.recipient_id for n in told) == sorted([lead.pk, other_lead.pk])
    assert Outbox.objects.filter(case=case, key__startswith="triage:").count() == 2
    from notifications.triage import triage_announce

    assert triage_announce(case_id=case.pk) == 0  # a second call tells nobody
    assert told.count() == 2

    assert case.reference in login(lead).get("/?queue=triage").content.decode()
    assert case.reference in login(manager).get("/?queue=triage").content.decode()
    assert login(lead).get("/").context["counts"]["triage"] == 1
    agent_page = login(agent).get("/?queue=all")
    assert case.reference not in agent_page.content.decode()
    assert "triage" not in agent_page.context["counts"]
    assert login(agent).get(case.get_absolute_url()).status_code == 404


def test_with_no_leads_the_managers_are_told(
    client, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/complain/", complaint())
    told = Notification.objects.filter(kind="triage")
    assert [n.recipient_id for n in told] == [manager.pk]


def test_routing_from_the_inbox_moves_the_case_to_the_team_queue(
    lead, agent, triage_case, team
):
    lead_client = login(lead)
    page = lead_client.get("/?queue=triage").content.decode()
    assert f'id="route-{triage_case.reference}"' in page
    response = lead_client.post(
        f"/cases/{triage_case.reference}/route/",
        {"version": triage_case.version, "team": team.pk, "from": "inbox"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    triage_case.refresh_from_db()
    assert triage_case.team == team
    assert triage_case.version == 2
    assert Event.objects.filter(case=triage_case, kind="routed").count() == 1
    assert (
        triage_case.reference not in lead_client.get("/?queue=triage").content.decode()
    )
    assert (
        triage_case.reference in login(agent).get("/?queue=unassigned").content.decode()
    )


def test_an_agent_cannot_route(agent, make_case, other_team):
    case = make_case("new")
    response = login(agent).post(
        f"/cases/{case.reference}/route/",
        {"version": case.version, "team": other_team.pk},
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.team != other_team


def test_a_lead_routes_from_the_case_page_and_lands_in_the_inbox_when_it_leaves(
    lead, triage_case, other_team
):
    client = login(lead)
    page = client.get(triage_case.get_absolute_url()).content.decode()
    assert 'name="team"' in page
    response = client.post(
        f"/cases/{triage_case.reference}/route/",
        {"version": triage_case.version, "team": other_team.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"  # no longer theirs to see
    triage_case.refresh_from_db()
    assert triage_case.team == other_team


def test_the_agent_a_triage_case_is_assigned_to_can_open_it(lead, agent, triage_case):
    response = login(lead).post(
        f"/cases/{triage_case.reference}/assign/",
        {"version": triage_case.version, "assignee": agent.pk},
    )
    assert response.status_code == 302
    triage_case.refresh_from_db()
    assert triage_case.assignee == agent
    assert triage_case.team == agent.staff.teams.get()
    assert login(agent).get(triage_case.get_absolute_url()).status_code == 200


def test_an_agent_on_the_page_is_refused_like_on_the_api(agent, make_case):
    case = make_case("new")
    colleague = StaffFactory(role="agent", teams=[case.team])
    response = login(agent).post(
        f"/cases/{case.reference}/assign/",
        {"version": case.version, "assignee": colleague.pk},
    )
    assert response.status_code == 403
    assert "team lead or a manager" in response.content.decode()
    case.refresh_from_db()
    assert case.assignee is None


def test_an_agent_cannot_take_a_colleagues_case_on_the_page(agent, make_case):
    colleague = StaffFactory(role="agent", teams=[agent.staff.teams.get()])
    case = make_case("listening", by=colleague)
    response = login(agent).post(
        f"/cases/{case.reference}/take/", {"version": case.version}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.assignee == colleague


def test_the_assign_list_offers_only_who_may_take_each_case(
    lead, agent, manager, make_case, team, other_team
):
    StaffFactory(role="team_lead", teams=[other_team])
    outsider = StaffFactory(role="agent", teams=[other_team])
    two_teams = StaffFactory(role="agent", teams=[team, other_team])
    lead.staff.teams.add(other_team)
    ours = make_case("new")
    page = login(lead).get("/?queue=all")
    rows = {c.reference: c for c in page.context["page"].object_list}
    offered = {u.pk for u in rows[ours.reference].assignable}
    assert {agent.pk, manager.pk, two_teams.pk} <= offered
    assert outsider.pk not in offered
    case_page = login(lead).get(ours.get_absolute_url())
    assert {u.pk for u in case_page.context["assignable"]} == offered


def test_a_follow_up_owner_outside_the_team_is_refused_on_the_page(
    lead, make_case, other_team
):
    case = make_case("resolved")
    case.customer.consent_to_contact = True
    case.customer.save()
    outsider = StaffFactory(role="agent", teams=[other_team])
    response = login(lead).post(
        f"/cases/{case.reference}/followups/",
        {"due_at": "2099-01-01T10:00", "channel": "phone", "owner": outsider.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("#followups")
    assert "owner" in response.content.decode().lower()
    assert not case.followups.exists()


def test_the_admin_cannot_change_a_cases_assignee(make_case, manager):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "r@example.com", "pw")
    case = make_case("new")
    response = login(admin).post(
        f"/admin/complaints/case/{case.pk}/change/", {"assignee": manager.pk}
    )
    assert response.status_code in (302, 403)
    case.refresh_from_db()
    assert case.assignee is None
