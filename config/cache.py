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
