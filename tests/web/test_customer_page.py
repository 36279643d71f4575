"""The customer page and sidebar: history, satisfaction, offers, the at-risk marker."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from followups.models import FollowUp
from followups.services import followup_complete
from tests.factories import CaseFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_customer_page_shows_earlier_cases_offers_and_satisfaction(
    agent_client, agent, make_case
):
    customer = CustomerFactory(name="Ada Byron")
    old = make_case("closed", customer=customer, subject="Broken kettle")
    make_case("listening", customer=customer, subject="Broken toaster")
    response = agent_client.get(f"/customers/{customer.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert old.reference in html and "Customer satisfied" in html
    assert "Replacement" in html  # what they were offered before
    assert "5/5" in html
    assert agent.username in html  # last handled by


def test_repeat_complaints_mark_the_customer_at_risk(agent_client, make_case):
    customer = CustomerFactory()
    make_case("new", customer=customer)
    case = make_case("listening", customer=customer)
    html = agent_client.get(f"/cases/{case.reference}/").content.decode()
    assert "At risk of leaving" in html
    assert "2 complaints in the last 90 days" in html
    assert "1 other case(s) still open" in html


def test_a_first_time_customer_is_not_at_risk(agent_client, make_case):
    case = make_case("listening")
    html = agent_client.get(f"/cases/{case.reference}/").content.decode()
    assert "At risk" not in html and "First complaint" in html


def test_low_satisfaction_marks_the_customer_at_risk(agent_client, agent, make_case):
    customer = CustomerFactory()
    case = make_case("following_up", customer=customer)
    followup = FollowUp.objects.get(case=case)
    followup_complete(followup=followup, outcome="satisfied", csat=1, by=agent)
    html = agent_client.get(f"/customers/{customer.pk}/").content.decode()
    assert "low satisfaction at a follow-up" in html


def test_a_customer_of_another_team_only_is_404(agent_client, other_team):
    case = CaseFactory.file(team=other_team)
    assert agent_client.get(f"/customers/{case.customer_id}/").status_code == 404


def test_other_teams_cases_are_counted_not_shown(agent_client, make_case, other_team):
    customer = CustomerFactory()
    mine = make_case("new", customer=customer)
    hidden = CaseFactory.file(team=other_team, customer=customer)
    html = agent_client.get(f"/customers/{customer.pk}/").content.decode()
    assert mine.reference in html and hidden.reference not in html
    assert "1 more case handled by other teams" in html


def _case_page_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/cases/{case.reference}/").status_code == 200
    return len(ctx.captured_queries)


def test_case_page_queries_do_not_grow_with_history(
    agent_client, agent, make_case, sla_policy, django_assert_max_num_queries
):
    from complaints.services import message_post

    customer = CustomerFactory()
    case = make_case("resolving", customer=customer)
    few = _case_page_queries(agent_client, case)
    for _ in range(5):
        make_case("closed", customer=customer)
    for n in range(10):
        message_post(case=case, body=f"note {n}", visibility="internal", by=agent)
    with django_assert_max_num_queries(few):
        agent_client.get(f"/cases/{case.reference}/")
    assert _case_page_queries(agent_client, case) == few


def test_a_manager_opens_any_customer_even_one_without_cases(manager_client):
    customer = CustomerFactory(name="Lonely Customer")
    response = manager_client.get(f"/customers/{customer.pk}/")
    assert response.status_code == 200
    assert "Lonely Customer" in response.content.decode()


def test_a_lead_opens_the_customers_of_their_teams_only(
    lead_client, make_case, other_team
):
    ours = make_case("new").customer
    theirs = CaseFactory.file(team=other_team).customer
    assert lead_client.get(f"/customers/{ours.pk}/").status_code == 200
    assert lead_client.get(f"/customers/{theirs.pk}/").status_code == 404
