"""Throttles: per API client (its key) or user, and per socket address when anonymous.

DRF's `get_ident` trusts `X-Forwarded-For` only when `NUM_PROXIES` is set to a
number of trusted proxies; it is 0 by default, so a forged header is ignored.
Rates are read at request time, so a settings change (or a test) takes effect.

Each bucket is a sliding-window counter: a count per fixed window in the
shared cache, and the estimate `previous × (share of the window still
overlapping) + current`. DRF's own throttle keeps every request's timestamp
of the last period in one cached list, read and rewritten whole by each
request; at a few thousand requests a minute that list is the costliest
thing an API call does. Here a request costs one round trip to Redis (an
INCR, an EXPIRE and a GET, pipelined), whatever the rate. Refused requests
count too, so a caller hammering past its rate stays refused until it slows.

A key this process has verified before (`api.authentication.verified_keys`)
is counted ahead, before authentication, in the same round trip that reads
the process memos' generation (`config.memo`), which authentication then
needs no more: one round trip to Redis per keyed request, not two
(`count_ahead`). Should the memo turn out stale and the key revoked, that
request was counted against the revoked key's bucket: nothing else reads it.
"""

import math
import time

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from config import memo
from config.cache import cache_loads, redis_client

from .authentication import ServiceClient, header_key, key_digest, verified_keys


def window_counts(key: str, window: int, period: int) -> tuple[int, int]:
    """Count one request in `key`'s window `window`; return (this window's
    count, the previous window's)."""
    current, previous = f"{key}:{window}", f"{key}:{window - 1}"
    client = redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        pipe.incr(cache.make_and_validate_key(current))
        pipe.expire(cache.make_and_validate_key(current), 2 * period + 1)
        pipe.get(cache.make_and_validate_key(previous))
        count, _, before = pipe.execute()
        return int(count), int(before or 0)
    cache.add(current, 0, 2 * period + 1)
    try:
        count = cache.incr(current)
    except ValueError:  # evicted between the two calls
        cache.set(current, 1, 2 * period + 1)
        count = 1
    return count, int(cache.get(previous) or 0)


PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "6000/min" → (6000, 60): requests allowed, period in seconds."""
    count, period = rate.split("/")
    return int(count), PERIODS[period[0]]


class WindowRateThrottle(BaseThrottle):
    """A rate per `scope` (`DEFAULT_THROTTLE_RATES`), counted in sliding windows."""

    scope = ""
    cache_format = "throttle_%(scope)s_%(ident)s"

    def get_cache_key(self, request, view) -> str | None:
        raise NotImplementedError

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        rate = self.get_rate()
        key = self.get_cache_key(request, view) if rate else None
        if key is None:
            return True
        allowed, period = parse_rate(rate)
        counted = getattr(request, "_redress_counted", None)
        if counted is not None and counted[0] == key:
            _key, now, current, previous = counted
            window, into = divmod(now, period)
        else:
            now = time.time()
            window, into = divmod(now, period)
            current, previous = window_counts(key, int(window), period)
        overlap = 1 - into / period
        if previous * overlap + current <= allowed:
            return True
        self._wait = _wait(allowed, current, previous, into, period)
        return False

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


def _wait(allowed: int, current: int, previous: int, into: float, period: int):
    """Seconds until the estimate falls back to the rate (whole, at least 1)."""
    if current >= allowed or previous == 0:
        seconds = period - into  # not before this window ends
    else:
        # previous × (1 − t/period) + current ≤ allowed, solved for t.
        seconds = period * (1 - (allowed - current) / previous) - into
    return max(1, math.ceil(round(seconds, 6)))


class ClientRateThrottle(WindowRateThrottle):
    """Authenticated callers: one bucket per API key, or per user for sessions."""

    scope = "client"

    def get_cache_key(self, request, view):
        client = request.auth if hasattr(request.auth, "prefix") else None
        if client is not None:
            return self.key_of(client)
        if isinstance(request.user, ServiceClient):
            return self.key_of(request.user.client)
        if request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
            return self.cache_format % {"scope": self.scope, "ident": ident}
        return None

    def key_of(self, client) -> str:
        return self.cache_format % {"scope": self.scope, "ident": f"key:{client.pk}"}


def count_ahead(request) -> None:
    """Before authentication: count a key this process verified before in
    its bucket, and read the memos' generation, in one round trip (see the
    module's docstring). `WindowRateThrottle` then uses these counts."""
    key = header_key(request)
    client = verified_keys.peek(key_digest(key)) if key else None
    throttle = ClientRateThrottle()
    rate = throttle.get_rate()
    redis = redis_client() if client is not None and rate else None
    if redis is None:
        return
    period = parse_rate(rate)[1]
    bucket = throttle.key_of(client)
    now = time.time()
    window = int(now // period)
    current = cache.make_and_validate_key(f"{bucket}:{window}")
    pipe = redis.pipeline(transaction=False)
    pipe.get(memo.generation_key())
    pipe.incr(current)
    pipe.expire(current, 2 * period + 1)
    pipe.get(cache.make_and_validate_key(f"{bucket}:{window - 1}"))
    token, count, _, before = pipe.execute()
    memo.generation_seen(cache_loads(token))
    request._redress_counted = (bucket, now, int(count), int(before or 0))


class AnonRateThrottle(WindowRateThrottle):
    """Anonymous callers (including failed key guesses): one bucket per address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }
