"""Fixtures for the agents' pages: logged-in clients for each role."""

import pytest


@pytest.fixture(autouse=True)
def fresh_cache():
    """Cached inbox counts must not leak between tests (ids can repeat)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Password hashing is not under test here; the default one is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _client_for(client_class, user):
    client = client_class()
    client.force_login(user)
    return client


@pytest.fixture
def agent_client(agent):
    from django.test import Client

    return _client_for(Client, agent)


@pytest.fixture
def lead_client(lead):
    from django.test import Client

    return _client_for(Client, lead)


@pytest.fixture
def manager_client(manager):
    from django.test import Client

    return _client_for(Client, manager)


@pytest.fixture
def other_agent(other_team):
    from tests.factories import StaffFactory

    return StaffFactory(role="agent", teams=[other_team])


@pytest.fixture
def other_client(other_agent):
    from django.test import Client

    return _client_for(Client, other_agent)


@pytest.fixture
def sla_policy(db):
    """A normal-priority policy on a calendar open around the clock."""
    from datetime import time

    from sla.models import Calendar, SlaPolicy, WorkingHours

    calendar = Calendar.objects.create(name="Always", time_zone="UTC")
    WorkingHours.objects.bulk_create(
        WorkingHours(calendar=calendar, weekday=d, opens=time(0), closes=time(23, 59))
        for d in range(7)
    )
    return SlaPolicy.objects.create(
        name="Normal",
        priority="normal",
        calendar=calendar,
        first_response_minutes=60,
        resolution_minutes=24 * 60,
    )
