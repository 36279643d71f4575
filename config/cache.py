"""Django's Redis cache with one client per process instead of one per call.

`django.core.cache.backends.redis.RedisCacheClient.get_client` builds a new
`redis.Redis` on every cache call (the pool is shared, the client object is
not); on the API path that is several clients per request. A `redis.Redis` is
safe to share between threads (each command takes a pooled connection), and
redis-py resets its pool in a forked child, so one client per server serves
the whole process.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._client(connection_pool=self._pools[index])
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    """`django.core.cache.backends.redis.RedisCache`, one client per process."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = SharedClient


def redis_client():
    """The default cache's own Redis client, when it is Redis (else None), for
    commands Django's cache API spends extra round trips on."""
    from django.core.cache import cache

    inner = getattr(cache, "_cache", None)
    if inner is None or not hasattr(inner, "get_client"):
        return None
    return inner.get_client(write=True)


def cache_loads(raw: bytes | None):
    """A value read raw from the default cache's Redis (None stays None), as
    the cache's own `get` would decode it."""
    from django.core.cache import cache

    return None if raw is None else cache._cache._serializer.loads(raw)


def counter_bump(key: str) -> None:
    """Add one to the counter `key` in the default cache, creating it at 1
    (kept until evicted): one INCR on Redis, where Django's `incr` first asks
    whether the key exists."""
    from django.core.cache import cache

    client = redis_client()
    if client is not None:
        client.incr(cache.make_and_validate_key(key))
        return
    try:
        cache.incr(key)
    except ValueError:  # not there yet (or evicted)
        cache.set(key, 1, None)
