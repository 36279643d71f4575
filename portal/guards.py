"""Guards of the public pages, kept in Django's cache: a per-client rate limit
and a once-only check against double submits.

The client is the socket address (REMOTE_ADDR): X-Forwarded-For is set by
whoever sends the request, so trusting it would let anyone pick a fresh
address per request. Behind a proxy, the proxy must set REMOTE_ADDR.

If the cache is unreachable, both guards let the request through: a
complaint that gets through matters more than a spam one that does too.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

log = logging.getLogger(__name__)

# Attempts per window per address, by scope: generous for a person, tight for
# a script. Override with the PORTAL_RATE_LIMITS setting (scope -> count).
LIMITS = {"complain": 10, "status": 60}
WINDOW = 60 * 60
NONCE_TTL = 24 * 60 * 60
PENDING = "pending"


def client_address(request: HttpRequest) -> str:
    """The socket address of the request (never a forwarded header)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def rate_limit_hit(*, scope: str, request: HttpRequest) -> bool:
    """Count one attempt for this client; return True when it is over the limit."""
    limits = {**LIMITS, **getattr(settings, "PORTAL_RATE_LIMITS", {})}
    window = getattr(settings, "PORTAL_RATE_WINDOW", WINDOW)
    key = f"portal:rate:{scope}:{client_address(request)}"
    try:
        count = _count(key, window)
    except Exception:
        log.warning("Rate limit cache unavailable; letting the request through")
        return False
    return count > limits.get(scope, LIMITS["status"])


def submission_claim(*, nonce: str) -> str | None:
    """Claim a form's nonce: None the first time, else what the first submit left.

    A double submit gets `PENDING` while the first is still running, or the
    value it stored with `submission_done`. Without a nonce or a cache, every
    submission is a first one.
    """
    if not nonce:
        return None
    key = _nonce_key(nonce)
    try:
        if cache.add(key, PENDING, timeout=NONCE_TTL):
            return None
        return cache.get(key, PENDING)
    except Exception:
        log.warning("Nonce cache unavailable; accepting the submission")
        return None


def submission_done(*, nonce: str, result: str) -> None:
    """Remember what the first submit of `nonce` produced."""
    _quietly(cache.set, _nonce_key(nonce), result, timeout=NONCE_TTL)


def submission_release(*, nonce: str) -> None:
    """Forget a claim whose submit failed, so that a retry is a first submit."""
    _quietly(cache.delete, _nonce_key(nonce))


def _nonce_key(nonce: str) -> str:
    """The cache key of a nonce: its digest, since the client writes the nonce
    (any characters; memcached refuses spaces and control characters)."""
    digest = hashlib.sha256(nonce.encode("utf-8", "surrogatepass")).hexdigest()
    return f"portal:nonce:{digest}"


def _quietly(call, *args, **kwargs) -> None:
    try:
        call(*args, **kwargs)
    except Exception:
        log.warning("Nonce cache unavailable")


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:
        # The key expired between add and incr: this is the first attempt.
        cache.set(key, 1, timeout=window)
        return 1
