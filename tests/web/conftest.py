"""Fixtures for the agents' pages: logged-in clients for each role."""

import pytest

from tests.factories import PASSWORD


def _client_for(client_class, user):
    client = client_class()
    assert client.login(username=user.get_username(), password=PASSWORD)
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
