"""External refs belong to the API client that sent them (CONTRACT §9).

Matching on filing looks up the caller's own ref, else the email; it never
reads, overwrites or matches through another client's ref.
"""

import pytest

from api.services import api_client_create
from complaints.actors import Actor
from customers.models import CustomerRef
from customers.services import customer_match_or_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return api_client_create(name="shop", by=Actor.system("tests"))[0]


@pytest.fixture
def crm():
    return api_client_create(name="crm", by=Actor.system("tests"))[0]


def match(client, email: str, ref: str | None = None):
    return customer_match_or_create(
        email=email,
        name="Jo",
        external_ref=ref,
        client=client,
        by=Actor.system("tests"),
    )


def test_two_clients_with_one_ref_get_two_customers(shop, crm):
    mine, _ = match(shop, "a@example.com", "7")
    theirs, created = match(crm, "b@example.com", "7")

    assert created and theirs != mine
    assert CustomerRef.objects.filter(external_ref="7").count() == 2


def test_a_ref_finds_the_customer_only_for_the_client_that_sent_it(shop, crm):
    mine, _ = match(shop, "a@example.com", "shop-1")

    again, created = match(shop, "changed@example.com", "shop-1")
    stranger, stranger_created = match(crm, "z@example.com", "shop-1")

    assert (again, created) == (mine, False)
    assert stranger_created and stranger != mine


def test_an_email_match_adds_the_callers_ref_and_keeps_the_others(shop, crm):
    mine, _ = match(shop, "ada@example.com", "shop-1")

    again, created = match(crm, "ADA@example.com", "crm-1")

    assert (again, created) == (mine, False)
    refs = set(CustomerRef.objects.values_list("client__name", "external_ref"))
    assert refs == {("shop", "shop-1"), ("crm", "crm-1")}


def test_one_clients_two_ids_on_one_email_stay_two_customers(shop):
    first, _ = match(shop, "family@example.com", "crm-1")

    second, created = match(shop, "family@example.com", "crm-2")

    assert created and second != first


def test_staff_refs_are_a_namespace_of_their_own(shop):
    staff, _ = match(None, "a@example.com", "42")

    client, created = match(shop, "b@example.com", "42")

    assert created and client != staff
    assert match(None, "c@example.com", "42")[0] == staff
