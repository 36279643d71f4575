"""Failed logins lock a username at an address, or a username everywhere after
many failures across addresses; never a whole office behind one address.
Managers unlock a username from the admin."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.7"
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 10
    settings.AXES_USERNAME_FAILURE_LIMIT = 30


def sign_in(username: str, password: str, address: str = OFFICE) -> int:
    response = Client(REMOTE_ADDR=address).post(
        LOGIN, {"username": username, "password": password}
    )
    return response.status_code


def fail(username: str, times: int, address: str = OFFICE) -> None:
    for _ in range(times):
        assert sign_in(username, "wrong password", address) in (200, 429)


def test_ten_failures_for_one_user_do_not_lock_a_colleague_at_the_same_address(
    agent, lead
):
    fail(agent.username, 10)

    assert sign_in(lead.username, PASSWORD) == 302


def test_ten_failures_lock_that_username_at_that_address(agent):
    fail(agent.username, 10)

    assert sign_in(agent.username, PASSWORD) == 429
    # Elsewhere the same username may still sign in (below the wider limit).
    assert sign_in(agent.username, PASSWORD, address="198.51.100.1") == 302


def test_a_spray_across_addresses_locks_the_username_after_the_longer_limit(agent):
    addresses = [f"198.51.100.{n}" for n in range(1, 11)]
    for address in addresses[:-1]:
        fail(agent.username, 3, address)  # 27 failures, never 10 at one address
    assert sign_in(agent.username, PASSWORD, address="192.0.2.1") == 302

    fail(agent.username, 3, addresses[-1])  # 30 across addresses

    assert sign_in(agent.username, PASSWORD, address="192.0.2.99") == 429


def unlock(client: Client, username: str):
    ids = list(
        AccessAttempt.objects.filter(username=username).values_list("pk", flat=True)
    )
    return client.post(
        "/admin/axes/accessattempt/",
        {"action": "unlock_usernames", "_selected_action": ids},
        follow=True,
    )


def test_a_manager_unlocks_a_username_from_the_admin(agent, manager):
    fail(agent.username, 10)
    assert sign_in(agent.username, PASSWORD) == 429
    client = Client()
    client.force_login(manager, backend="django.contrib.auth.backends.ModelBackend")

    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert agent.username in listing.content.decode()
    response = unlock(client, agent.username)

    assert response.status_code == 200
    assert f"Unlocked: {agent.username}." in response.content.decode()
    assert not AccessAttempt.objects.filter(username=agent.username).exists()
    assert sign_in(agent.username, PASSWORD) == 302


def test_a_lead_cannot_reach_the_unlock_page(agent, lead):
    lead.is_staff = True
    lead.save(update_fields=["is_staff"])
    fail(agent.username, 10)
    client = Client()
    client.force_login(lead, backend="django.contrib.auth.backends.ModelBackend")

    assert client.get("/admin/axes/accessattempt/").status_code == 403
    unlock(client, agent.username)

    assert AccessAttempt.objects.filter(username=agent.username).exists()


def test_only_a_manager_may_reset_a_lockout(agent, lead, manager):
    from django.core.exceptions import PermissionDenied

    from teams.lockouts import lockout_reset

    fail(agent.username, 10)
    with pytest.raises(PermissionDenied):
        lockout_reset(username=agent.username, by=lead)
    assert lockout_reset(username=agent.username, by=manager) == 1
