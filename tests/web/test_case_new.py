"""The "New case" page: a complaint taken by phone or in person, filed through
`case_file` for a customer found (among those the user may see) or created."""

import pytest

from complaints.intake import case_file_by_staff
from complaints.models import Category, EventKind
from customers.models import Customer
from tests.factories import CaseFactory, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _file(client, **data):
    payload = {
        "channel": "phone",
        "subject": "Rude driver",
        "description": "The driver shouted at me.",
        "priority": "high",
        **data,
    }
    return client.post("/new-case/", payload)


def test_the_inbox_links_to_the_new_case_page(agent_client):
    assert 'href="/new-case/"' in agent_client.get("/").content.decode()
    assert agent_client.get("/new-case/").status_code == 200


def test_a_call_from_a_new_customer_lands_in_the_agents_team(agent_client, agent, team):
    response = _file(agent_client, name="Robin Caller", phone="+44 20 0000 0000")
    assert response.status_code == 302
    customer = Customer.objects.get(name="Robin Caller")
    case = customer.cases.get()
    assert response["Location"] == case.get_absolute_url()
    assert (case.team, case.channel, case.priority) == (team, "phone", "high")
    filed = case.events.get(kind=EventKind.CASE_FILED)
    assert filed.actor_label == agent.get_username()


def test_a_walk_in_for_a_known_customer(agent_client, make_case):
    known = make_case("new").customer
    response = _file(agent_client, customer=known.pk, channel="in_person")
    assert response.status_code == 302
    assert known.cases.filter(channel="in_person").count() == 1


def test_a_customer_the_agent_may_not_see_cannot_be_picked(agent_client, other_team):
    stranger = CaseFactory.file(team=other_team).customer
    response = _file(agent_client, customer=stranger.pk)
    assert response.status_code == 400
    assert "No such customer." in response.content.decode()
    assert stranger.cases.count() == 1


def test_staff_in_several_teams_file_into_triage(team, other_team):
    both = StaffFactory(role="agent", teams=[team, other_team])
    case = case_file_by_staff(
        by=both,
        customer=CustomerFactory(),
        subject="s",
        description="d",
        channel="phone",
    )
    assert case.team is None


def test_with_several_teams_the_categorys_team_is_used(team, other_team):
    both = StaffFactory(role="agent", teams=[team, other_team])
    billing = Category.objects.create(
        name="Bills", slug="bills", default_team=other_team
    )
    case = case_file_by_staff(
        by=both,
        customer=CustomerFactory(),
        subject="s",
        description="d",
        category=billing,
    )
    assert case.team == other_team


def test_only_phone_and_walk_in_are_offered(agent_client):
    response = _file(agent_client, name="X", channel="api")
    assert response.status_code == 400
    assert not Customer.objects.filter(name="X").exists()


def test_the_search_finds_only_customers_the_user_may_see(
    agent_client, make_case, other_team
):
    mine = make_case("new", customer=CustomerFactory(name="Jordan Mine"))
    CaseFactory.file(team=other_team, customer=CustomerFactory(name="Jordan Theirs"))
    html = agent_client.get("/new-case/customers/", {"q": "jordan"}).content.decode()
    assert "Jordan Mine" in html and "Jordan Theirs" not in html
    assert f'value="{mine.customer_id}"' in html


@pytest.mark.parametrize(
    "q", ["", "a", "\x00\x00", "<script>alert(1)</script>", "x" * 5000, "%_%"]
)
def test_search_garbage_never_breaks(agent_client, q):
    response = agent_client.get("/new-case/customers/", {"q": q})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": ""},
        {"name": "A", "email": "not-an-email"},
        {"name": "A", "category": "424242"},
        {"name": "A", "customer": "abc"},
        {"name": "A", "subject": "s" * 500},
        {"name": "A\x00B"},
    ],
)
def test_form_garbage_is_a_400_never_a_500(agent_client, data):
    response = agent_client.post("/new-case/", {"channel": "phone", **data})
    assert response.status_code == 400


def test_someone_without_a_role_is_refused(client, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(nobody)
    assert client.get("/new-case/").status_code == 403
    assert _file(client, name="Z").status_code == 403
