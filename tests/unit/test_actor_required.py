"""Every state-changing service of customers, teams, webhooks and API keys names
its acting party: `by` is a required keyword, and the write is audited with it.

Paths covered: the services themselves, the admin (keys issued and revoked,
customers edited) and the `create_api_client` command.
"""

import inspect
import logging
from io import StringIO

import pytest
from django.core.management import call_command

from api import services as api_services
from api.models import ApiClient
from complaints.actors import Actor
from customers import services as customer_services
from customers.models import Customer
from teams import lockouts
from teams import services as team_services
from tests.factories import CustomerFactory, StaffFactory
from webhooks import services as webhook_services

pytestmark = pytest.mark.django_db

SERVICES = [
    customer_services.customer_match_or_create,
    customer_services.customer_set_consent,
    customer_services.customer_edit,
    team_services.staff_create,
    lockouts.lockout_reset,
    webhook_services.subscription_create,
    webhook_services.subscription_delete,
    webhook_services.subscription_rotate_secret,
    webhook_services.subscription_resume,
    webhook_services.deliveries_send_again,
    webhook_services.subscription_paused_notify,
    api_services.api_client_create,
    api_services.api_client_revoke,
    api_services.api_client_rotate,
]


@pytest.mark.parametrize("service", SERVICES, ids=lambda f: f.__name__)
def test_by_is_a_required_keyword(service):
    by = inspect.signature(service).parameters["by"]
    assert by.kind is inspect.Parameter.KEYWORD_ONLY
    assert by.default is inspect.Parameter.empty


def test_no_actor_is_refused_before_anything_is_written():
    with pytest.raises(TypeError, match="needs its actor"):
        api_services.api_client_create(name="nobody's", by=None)
    assert not ApiClient.objects.exists()


def _audited(caplog, action: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "audit", None) == action]


def test_keys_are_issued_rotated_and_revoked_in_the_actors_name(caplog):
    manager = StaffFactory(role="manager")
    caplog.set_level(logging.INFO, logger="redress.audit")
    client, key = api_services.api_client_create(
        name="shop", scopes=["complaints:read"], by=manager
    )

    fresh, new_key = api_services.api_client_rotate(client=client, by=manager)

    assert ApiClient.objects.is_valid(new_key) and not ApiClient.objects.is_valid(key)
    assert (fresh.name, fresh.scopes) == ("shop", ["complaints:read"])
    [made, remade] = _audited(caplog, "api_key.created")
    [revoked] = _audited(caplog, "api_key.revoked")
    assert {made.actor, remade.actor, revoked.actor} == {manager.get_username()}
    assert revoked.actor_id == manager.pk and revoked.audit_client == client.pk
    client.refresh_from_db()
    with pytest.raises(ValueError, match="revoked already"):
        api_services.api_client_rotate(client=client, by=manager)


def test_customer_writes_name_their_actor(caplog):
    caplog.set_level(logging.INFO, logger="redress.audit")
    agent = StaffFactory(role="agent")
    customer, created = customer_services.customer_match_or_create(
        email="new@example.com", name="New", by=agent
    )
    customer_services.customer_edit(customer=customer, phone="0123", by=agent)
    customer_services.customer_set_consent(
        customer=customer, consent=True, by=Actor.customer()
    )
    assert created
    assert [r.actor for r in _audited(caplog, "customer.created")] == [agent.username]
    assert [r.audit_fields for r in _audited(caplog, "customer.edited")] == [["phone"]]
    assert [r.actor for r in _audited(caplog, "customer.consent")] == ["customer"]


def test_the_command_issues_keys_as_the_system(caplog):
    caplog.set_level(logging.INFO, logger="redress.audit")
    call_command("create_api_client", "crm", stdout=StringIO())
    [made] = _audited(caplog, "api_key.created")
    assert made.actor == "system:create_api_client"


def test_the_admin_issues_and_revokes_keys_through_the_services(client, caplog):
    manager = StaffFactory(role="manager")
    manager.is_staff = manager.is_superuser = True
    manager.save()
    client.force_login(manager)
    caplog.set_level(logging.INFO, logger="redress.audit")

    response = client.post(
        "/admin/api/apiclient/add/",
        {"name": "till", "scopes": '["complaints:write"]', "user": ""},
        follow=True,
    )

    assert response.status_code == 200
    issued = ApiClient.objects.get(name="till")
    assert issued.scopes == ["complaints:write"]
    shown = [str(m) for m in response.context["messages"]]
    assert any("The API key for till is:" in m for m in shown)
    [made] = _audited(caplog, "api_key.created")
    assert made.actor == manager.username

    response = client.post(
        f"/admin/api/apiclient/{issued.pk}/change/",
        {"name": "till", "scopes": '["complaints:write"]', "revoked": "on"},
    )
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.revoked
    [revoked] = _audited(caplog, "api_key.revoked")
    assert revoked.actor == manager.username


def test_the_admin_refuses_unknown_scopes(client):
    manager = StaffFactory(role="manager")
    manager.is_staff = manager.is_superuser = True
    manager.save()
    client.force_login(manager)
    response = client.post(
        "/admin/api/apiclient/add/", {"name": "x", "scopes": '["everything"]'}
    )
    assert response.status_code == 200
    assert "Unknown: everything" in response.content.decode()
    assert not ApiClient.objects.exists()


def test_the_admin_edits_customers_through_the_service(client, caplog):
    manager = StaffFactory(role="manager")
    manager.is_staff = manager.is_superuser = True
    manager.save()
    client.force_login(manager)
    customer = CustomerFactory(name="Ada", phone="")
    caplog.set_level(logging.INFO, logger="redress.audit")

    response = client.post(
        f"/admin/customers/customer/{customer.pk}/change/",
        {
            "name": "Ada Lovelace",
            "phone": "0207",
            "consent_to_contact": "on",
            "refs-TOTAL_FORMS": "0",
            "refs-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    customer = Customer.objects.get(pk=customer.pk)
    assert (customer.name, customer.phone) == ("Ada Lovelace", "0207")
    [edited] = _audited(caplog, "customer.edited")
    assert edited.actor == manager.username
    assert client.get("/admin/customers/customer/add/").status_code == 403
