"""Canned responses: kept per team in the admin, offered on the case page with
their placeholders filled, sent through the message form (and its pitch check)."""

import html as html_lib

import pytest
from django.test import Client

from complaints.canned import (
    canned_managed_by,
    canned_may_manage,
    canned_render,
    unknown_placeholders,
)
from complaints.models import CannedResponse, Message
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Alex Example")


def _page(client, case) -> str:
    return client.get(case.get_absolute_url()).content.decode()


def test_the_case_page_offers_its_teams_and_shared_responses_filled_in(
    agent_client, agent, make_case, team, other_team, customer
):
    agent.first_name = "Sam"
    agent.save()
    case = make_case("listening", customer=customer)
    CannedResponse.objects.create(
        title="Sorry",
        team=team,
        body="Hello {first_name}, about {reference}: we are sorry. {agent_name}",
    )
    CannedResponse.objects.create(title="Shared", body="Thanks {first_name}.")
    CannedResponse.objects.create(title="Billing only", team=other_team, body="x")
    CannedResponse.objects.create(title="Retired", team=team, body="y", active=False)
    page = _page(agent_client, case)
    assert 'id="canned-pick" data-fills="id_body"' in page
    assert f'data-body="Hello Alex, about {case.reference}: we are sorry. Sam"' in page
    assert 'data-body="Thanks Alex."' in page
    assert "Billing only" not in page and "Retired" not in page
    assert "/static/canned.js" in page


def test_a_response_and_the_customer_name_are_escaped(agent_client, make_case):
    customer = CustomerFactory(name='"><script>alert(1)</script>')
    case = make_case("listening", customer=customer)
    CannedResponse.objects.create(
        title="<b>T</b>", body='{first_name} <img src=x onerror="alert(2)">'
    )
    page = _page(agent_client, case)
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;b&gt;T&lt;/b&gt;" in page


def test_no_picker_without_responses(agent_client, make_case):
    assert 'id="canned-pick"' not in _page(agent_client, make_case("listening"))


def test_a_canned_pitch_is_held_by_the_pitch_check_like_any_message(
    agent_client, agent, make_case, customer
):
    case = make_case("listening", customer=customer)
    canned = CannedResponse.objects.create(
        title="Oops", body="Hi {first_name}, why not upgrade to our premium plan?"
    )
    text = canned_render(canned, case=case, agent=agent)
    response = agent_client.post(
        f"/cases/{case.reference}/messages/",
        {"visibility": "customer", "body": text},
        follow=True,
    )
    assert "This reads like a sales pitch" in response.content.decode()
    assert not Message.objects.filter(case=case, body=text).exists()


def test_only_the_three_placeholders_are_filled():
    assert unknown_placeholders("{first_name} {reference} {agent_name}") == []
    assert unknown_placeholders("{case.customer.email} {secret} {}") == [
        "",
        "secret",
    ]


def test_the_admin_refuses_an_unknown_placeholder(admin_client, team):
    response = admin_client.post(
        "/admin/complaints/cannedresponse/add/",
        {"title": "T", "team": team.pk, "body": "Hi {password}", "active": "on"},
    )
    assert response.status_code == 200
    assert "Unknown placeholders: {password}" in response.content.decode()
    assert not CannedResponse.objects.exists()
    response = admin_client.post(
        "/admin/complaints/cannedresponse/add/",
        {"title": "T", "team": team.pk, "body": "Hi {first_name}", "active": "on"},
    )
    assert response.status_code == 302
    assert CannedResponse.objects.get().body == "Hi {first_name}"


def test_managers_keep_every_response_and_leads_their_teams(
    team, other_team, lead, manager, agent
):
    ours = CannedResponse.objects.create(title="Ours", team=team, body="a")
    theirs = CannedResponse.objects.create(title="Theirs", team=other_team, body="b")
    shared = CannedResponse.objects.create(title="Shared", body="c")
    assert set(canned_managed_by(manager)) == {ours, theirs, shared}
    assert set(canned_managed_by(lead)) == {ours}
    assert set(canned_managed_by(agent)) == set()
    assert canned_may_manage(lead, team.pk)
    assert not canned_may_manage(lead, other_team.pk)
    assert not canned_may_manage(lead, None)
    assert not canned_may_manage(agent, team.pk)


def test_a_lead_with_admin_access_sees_and_files_only_their_teams(team, other_team):
    lead = StaffFactory(role="team_lead", teams=[team])
    lead.is_staff = True
    lead.save()
    from django.contrib.auth.models import Permission

    lead.user_permissions.add(
        *Permission.objects.filter(codename__endswith="cannedresponse")
    )
    CannedResponse.objects.create(title="Ours", team=team, body="a")
    CannedResponse.objects.create(title="Theirs", team=other_team, body="b")
    client = Client()
    client.force_login(lead)
    listing = client.get("/admin/complaints/cannedresponse/").content.decode()
    assert "Ours" in listing and "Theirs" not in listing
    response = client.post(
        "/admin/complaints/cannedresponse/add/",
        {"title": "Sneaky", "team": other_team.pk, "body": "x", "active": "on"},
    )
    assert response.status_code == 200  # the team is not among the choices
    assert not CannedResponse.objects.filter(title="Sneaky").exists()
    response = client.post(
        "/admin/complaints/cannedresponse/add/",
        {"title": "Shared", "body": "x", "active": "on"},
    )
    assert not CannedResponse.objects.filter(title="Shared").exists()
    assert html_lib.unescape(response.content.decode()).count("required") >= 1
