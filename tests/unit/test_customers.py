"""Customer services: matching a filer to a customer, consent.

Ending a relationship is in test_relationship_end.

Concurrent matching on one external_ref is in test_concurrency.
"""

import pytest

from complaints.actors import Actor
from customers.models import CustomerRef
from customers.services import customer_match_or_create, customer_set_consent

pytestmark = pytest.mark.django_db


def match(**kwargs):
    kwargs.setdefault("name", "Jo Bloggs")
    return customer_match_or_create(**kwargs, by=Actor.system("tests"))


def refs_of(customer) -> list[tuple]:
    return sorted(
        CustomerRef.objects.filter(customer=customer).values_list(
            "client_id", "external_ref"
        ),
        key=str,
    )


def test_a_new_filer_becomes_a_customer():
    customer, created = match(email=" jo@example.com ", external_ref="shop-1")

    assert created
    assert customer.email == "jo@example.com"
    assert refs_of(customer) == [(None, "shop-1")]
    assert customer.consent_to_contact is False


def test_the_external_ref_wins_over_a_changed_email():
    first, _ = match(email="jo@example.com", external_ref="shop-1")

    again, created = match(email="jo.new@example.com", external_ref="shop-1")

    assert (again, created) == (first, False)


def test_an_email_matches_whatever_its_case():
    first, _ = match(email="Jo@Example.com")

    again, created = match(email="JO@EXAMPLE.COM")

    assert (again, created) == (first, False)


def test_an_email_match_without_an_id_adopts_the_filers_id():
    first, _ = match(email="jo@example.com")

    again, created = match(email="jo@example.com", external_ref="crm-9")

    assert (again, created) == (first, False)
    assert refs_of(first) == [(None, "crm-9")]


def test_an_email_match_with_another_id_is_a_different_customer():
    first, _ = match(email="family@example.com", external_ref="crm-1")

    other, created = match(email="family@example.com", external_ref="crm-2")

    assert created and other != first


@pytest.mark.parametrize("ref", ["", None])
def test_without_email_or_id_every_filer_is_new(ref):
    one, _ = match(email="", external_ref=ref)
    two, created = match(email="", external_ref=ref)

    assert created and one != two
    assert refs_of(one) == []


def test_consent_is_recorded_with_its_time():
    customer, _ = match(email="jo@example.com")

    customer_set_consent(customer=customer, consent=True, by=Actor.system("tests"))

    customer.refresh_from_db()
    assert customer.consent_to_contact is True
    assert customer.consent_updated_at is not None
