"""customers.selectors.customers_visible_to: the one rule for who sees a customer."""

import pytest
from django.contrib.auth.models import AnonymousUser

from api.authentication import ServiceClient
from api.services import api_client_create
from complaints.actors import Actor
from customers.selectors import customers_visible_to
from tests.factories import CaseFactory, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


def visible(user) -> set[int]:
    return set(customers_visible_to(user).values_list("pk", flat=True))


def test_managers_see_every_customer(manager, make_case, other_team):
    ours = make_case("new").customer
    theirs = CaseFactory.file(team=other_team).customer
    lonely = CustomerFactory()
    assert visible(manager) >= {ours.pk, theirs.pk, lonely.pk}


def test_agents_and_leads_see_the_customers_of_cases_they_may_see(
    agent, lead, make_case, other_team
):
    ours = make_case("new").customer
    theirs = CaseFactory.file(team=other_team).customer
    CustomerFactory()
    assert visible(agent) == {ours.pk}
    assert visible(lead) == {ours.pk}
    other_agent = StaffFactory(role="agent", teams=[other_team])
    assert visible(other_agent) == {theirs.pk}


def test_service_clients_and_strangers_see_no_customer_record():
    client, _key = api_client_create(name="shop", by=Actor.system("tests"))
    CaseFactory.file(api_client=client)
    assert visible(ServiceClient(client=client)) == set()
    assert visible(None) == set()
    assert visible(AnonymousUser()) == set()
