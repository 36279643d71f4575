"""Fixtures of the API tests: keys for users and service clients, ready clients."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.services import api_client_create
from complaints.actors import Actor

ALL_SCOPES = ["complaints:write", "complaints:read", "cases:manage"]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


def client_with(key: str | None) -> APIClient:
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def key_for(db):
    """Issue a key: `key_for(user)` acts as the user, `key_for(scopes=[…])` is a service."""

    def make(user=None, scopes=None, name="test client") -> str:
        _client, key = api_client_create(
            name=name,
            username=user.get_username() if user else None,
            scopes=scopes or ALL_SCOPES,
            by=Actor.system("tests"),
        )
        return key

    return make


@pytest.fixture
def api_as(key_for):
    """An APIClient authenticated with a fresh key for `user` (or a service)."""

    def make(user=None, scopes=None) -> APIClient:
        return client_with(key_for(user=user, scopes=scopes))

    return make


@pytest.fixture
def service(api_as):
    return api_as(scopes=ALL_SCOPES)


@pytest.fixture
def anon():
    return client_with(None)


def complaint_body(**overrides) -> dict:
    body = {
        "customer": {"email": "ada@example.com", "name": "Ada Lovelace"},
        "subject": "Parcel arrived broken",
        "description": "The vase was in pieces when I opened the box.",
    }
    body.update(overrides)
    return body


@pytest.fixture
def sla_policy(db):
    """A normal-priority policy over a calendar open around the clock."""
    from datetime import time

    from sla.models import Calendar, SlaPolicy, WorkingHours

    calendar = Calendar.objects.create(name="Always", time_zone="UTC")
    for day in range(7):
        WorkingHours.objects.create(
            calendar=calendar, weekday=day, opens=time(0), closes=time(23, 59)
        )
    return SlaPolicy.objects.create(
        name="Normal",
        priority="normal",
        calendar=calendar,
        first_response_minutes=60,
        resolution_minutes=24 * 60,
        escalation_minutes=60,
    )
