"""A keyed call costs one round trip to Redis (api.throttling.count_ahead).

A key this process verified before is counted in its bucket in the same round
trip that reads the memos' generation; authentication then asks Redis
nothing more. A key revoked elsewhere (another worker: only the shared token
changes) is still refused on its next request.
"""

import os
import uuid

import pytest
from django.core.cache import cache
from redis import Redis
from redis.client import Pipeline

from api.models import ApiClient
from config import memo
from config.cache import redis_client

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def round_trips(monkeypatch):
    """Counts the round trips to Redis: single commands and pipelines."""
    trips: list[str] = []
    command, execute = Redis.execute_command, Pipeline.execute

    def counted_command(self, *args, **options):
        if not isinstance(self, Pipeline):
            trips.append(str(args[0]))
        return command(self, *args, **options)

    def counted_execute(self, *args, **options):
        trips.append("pipeline")
        return execute(self, *args, **options)

    monkeypatch.setattr(Redis, "execute_command", counted_command)
    monkeypatch.setattr(Pipeline, "execute", counted_execute)
    return trips


@pytest.fixture
def with_redis(settings):
    """The Redis cache production runs with (tests otherwise keep one in
    memory), under a prefix of this test's own."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs Redis (REDIS_URL)")
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    assert redis_client() is not None
    yield
    cache.delete(memo.TOKEN_KEY)


def test_a_known_key_costs_one_round_trip(with_redis, api_as, round_trips):
    client = api_as(scopes=["complaints:read"])
    assert client.get("/api/v1/ping/").status_code == 200  # verified, kept
    round_trips.clear()
    assert client.get("/api/v1/ping/").status_code == 200
    assert round_trips == ["pipeline"]


def test_counted_ahead_it_is_counted_once(with_redis, api_as, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "3/min", "anon": "1000/min"},
    }
    client = api_as(scopes=["complaints:read"])
    statuses = [client.get("/api/v1/ping/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_a_key_revoked_by_another_worker_is_refused(with_redis, api_as):
    client = api_as(scopes=["complaints:read"])
    assert client.get("/api/v1/ping/").status_code == 200  # kept in this process
    # Another worker revokes it: the row changes, this process hears only the
    # new token in the shared cache (its memo still holds the client).
    ApiClient.objects.update(revoked=True)
    cache.set(memo.TOKEN_KEY, "another worker's revocation", timeout=None)
    assert client.get("/api/v1/ping/").status_code == 401
