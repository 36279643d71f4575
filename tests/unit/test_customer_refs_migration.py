"""Migration customers.0002: the old cross-client external_ref becomes a CustomerRef.

A ref goes to the API client that filed the customer's cases when exactly
one did; otherwise it stays a staff ref (no client), which no client matches.
"""

import pytest

from api.services import api_client_create
from complaints.actors import Actor
from customers.models import CustomerRef
from tests.factories import CaseFactory, CustomerFactory
from tests.migrating import latest_schema, migrate  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("latest_schema"),
]

BEFORE = [("customers", "0001_initial")]
AFTER = [("customers", "0002_external_refs_per_client")]


def test_old_refs_go_to_their_only_client_or_stay_staff_refs():
    shop = api_client_create(name="shop", by=Actor.system("tests"))[0]
    crm = api_client_create(name="crm", by=Actor.system("tests"))[0]
    one_client = CustomerFactory()
    CaseFactory.file(customer=one_client, api_client=shop)
    CaseFactory.file(customer=one_client)  # a web case: no client
    two_clients = CustomerFactory()
    CaseFactory.file(customer=two_clients, api_client=shop)
    CaseFactory.file(customer=two_clients, api_client=crm)
    no_client = CustomerFactory()
    for customer, ref in (
        (one_client, "s-1"),
        (two_clients, "x-2"),
        (no_client, "n-3"),
    ):
        CustomerRef.objects.create(customer=customer, external_ref=ref)

    migrate(BEFORE)  # the refs go back into the old column
    migrate(AFTER)

    refs = {
        (r.customer_id, r.client_id, r.external_ref) for r in CustomerRef.objects.all()
    }
    assert refs == {
        (one_client.pk, shop.pk, "s-1"),
        (two_clients.pk, None, "x-2"),
        (no_client.pk, None, "n-3"),
    }
