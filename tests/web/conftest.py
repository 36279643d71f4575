"""Fixtures for the agents' pages: logged-in clients for each role."""

import pytest
from django.utils import timezone

from sla.models import Deadline, DeadlineKind
from tests.web.inbox_support import clock


@pytest.fixture(autouse=True)
def fresh_cache():
    """Cached inbox counts must not leak between tests (ids can repeat)."""
    from django.core.cache import cache

    cache.clear()


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


@pytest.fixture
def clocked(make_case):
    """Cases with every kind of clock: two running, met, paused, cancelled, none."""
    Deadline.objects.all().delete()
    cases = [make_case(subject=f"Teapot {i}") for i in range(9)]
    first, resolution = DeadlineKind.FIRST_RESPONSE, DeadlineKind.RESOLUTION
    clock(cases[0], first, 5)
    clock(cases[0], resolution, 1)  # its first running one: in an hour
    clock(cases[1], first, -4, met_at=timezone.now())  # met: not its next
    clock(cases[1], resolution, 3)
    clock(cases[2], resolution, 3)  # the same instant: newest first
    clock(cases[3], resolution, -2)  # overdue: first of all
    clock(cases[4], resolution, 2, paused_at=timezone.now())  # none running
    clock(cases[5], resolution, 2, cancelled_at=timezone.now())
    clock(cases[6], first, 3)
    clock(cases[6], resolution, 3)  # two at the same instant: listed once
    # cases 7 and 8: no clock at all
    return cases
