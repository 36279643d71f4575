"""Incident suggestions: a new case matching an open incident is offered for
linking — on the case page (one click, leads and managers) and in the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Category, EventKind
from service_recovery.incidents import (
    incident_close,
    incident_create,
    incident_link_cases,
    incident_link_customers,
)
from service_recovery.selectors import incident_suggestions
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(db):
    return Category.objects.create(name="Payments", slug="payments")


def _incident(manager, title="Card payments failing", category=None):
    return incident_create(
        title=title, customer_message="We are on it.", category=category, by=manager
    )


def _titles(case, user):
    return [i.title for i in incident_suggestions(case, user=user)]


def test_a_case_matches_by_its_customer_or_by_category_filed_after(
    make_case, manager, category
):
    before = make_case("new", category=category)
    _incident(manager, "By category", category=category)
    no_category = _incident(manager, "No category")
    customer = CustomerFactory()
    incident_link_customers(incident=no_category, customers=[customer], by=manager)
    after = make_case("new", category=category)
    theirs = make_case("new", customer=customer)
    other = make_case("new")

    assert _titles(after, manager) == ["By category"]
    assert _titles(theirs, manager) == ["No category"]
    assert _titles(before, manager) == []
    assert _titles(other, manager) == []


def test_linked_or_closed_incidents_and_unseen_cases_suggest_nothing(
    make_case, manager, lead, other_team, category
):
    incident = _incident(manager, category=category)
    linked = make_case("new", category=category)
    incident_link_cases(incident=incident, cases=[linked], by=manager)
    elsewhere = make_case("new", category=category, team=other_team)
    fresh = make_case("new", category=category)

    assert _titles(linked, manager) == []
    assert _titles(elsewhere, lead) == []
    assert _titles(fresh, lead) == [incident.title]
    incident_close(incident=incident, by=manager)
    assert _titles(fresh, manager) == []


def test_the_case_page_offers_it_and_links_in_one_click(
    client, make_case, lead, manager, category
):
    incident = _incident(manager, category=category)
    case = make_case("new", category=category)
    client.force_login(lead)
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert 'id="incident-suggestions"' in page and incident.title in page

    done = client.post(f"/cases/{case.reference}/incidents/{incident.pk}/link/")

    assert done.status_code == 302
    assert incident.case_links.filter(case=case).count() == 1
    assert incident.customer_links.filter(customer=case.customer).count() == 1
    event = case.events.get(kind=EventKind.INCIDENT_LINKED)
    assert event.actor_id == lead.pk
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert 'id="incident-suggestions"' not in page
    # A second click (a double submit) links nothing more.
    again = client.post(f"/cases/{case.reference}/incidents/{incident.pk}/link/")
    assert again.status_code == 302
    assert case.events.filter(kind=EventKind.INCIDENT_LINKED).count() == 1
    other = _incident(manager, "Not suggested")
    refused = client.post(f"/cases/{case.reference}/incidents/{other.pk}/link/")
    assert refused.status_code == 404


def test_agents_see_no_link_button_and_may_not_link(
    client, make_case, agent, manager, category
):
    incident = _incident(manager, category=category)
    case = make_case("new", category=category)
    client.force_login(agent)
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert 'id="incident-suggestions"' not in page
    refused = client.post(f"/cases/{case.reference}/incidents/{incident.pk}/link/")
    assert refused.status_code == 403
    assert not incident.case_links.exists()


def test_the_case_page_costs_the_same_queries_with_more_suggestions(
    client, make_case, manager, category
):
    _incident(manager, "First", category=category)
    case = make_case("new", category=category)
    client.force_login(manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/cases/{case.reference}/").status_code == 200
        return len(queries)

    count()
    one = count()
    for title in ("Second", "Third"):
        incident_link_customers(
            incident=_incident(manager, title), customers=[case.customer], by=manager
        )
    three = count()

    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert all(title in page for title in ("First", "Second", "Third"))
    assert three == one


def test_the_api_lists_them_for_staff_who_may_see_the_case(
    api_as, agent, manager, other_team, make_case, service, category
):
    incident = _incident(manager, category=category)
    case = make_case("new", category=category)
    url = f"/api/v1/complaints/{case.reference}/incident-suggestions/"

    mine = api_as(agent).get(url)
    assert mine.status_code == 200, mine.content
    assert [row["id"] for row in mine.json()] == [incident.pk]
    assert mine.json()[0]["category"] == category.pk

    stranger = StaffFactory(role="agent", teams=[other_team])
    assert api_as(stranger).get(url).status_code == 404
    assert service.get(url).status_code == 403
    missing = api_as(agent).get(
        "/api/v1/complaints/C-2026-999999/incident-suggestions/"
    )
    assert missing.status_code == 404
