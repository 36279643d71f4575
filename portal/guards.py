"""Guards of the public pages, kept in Django's cache: a per-client rate limit
on the complaint form and a once-only check against double submits.

The client is the socket address (REMOTE_ADDR): X-Forwarded-For is set by
whoever sends the request, so trusting it would let anyone pick a fresh
address per request.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

log = logging.getLogger(__name__)

# Filings per window per address; generous for a person, tight for a script.
DEFAULT_LIMIT = 10
DEFAULT_WINDOW = 60 * 60


def client_address(request: HttpRequest) -> str:
    """The socket address of the request (never a forwarded header)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def rate_limit_hit(*, scope: str, request: HttpRequest) -> bool:
    """Count one attempt for this client; return True when it is over the limit.

    If the cache is unreachable the form stays open: a complaint that gets
    through matters more than a spam one that does too.
    """
    limit = getattr(settings, "PORTAL_RATE_LIMIT", DEFAULT_LIMIT)
    window = getattr(settings, "PORTAL_RATE_WINDOW", DEFAULT_WINDOW)
    key = f"portal:rate:{scope}:{client_address(request)}"
    try:
        count = _count(key, window)
    except Exception:
        log.warning("Rate limit cache unavailable; letting the request through")
        return False
    return count > limit


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:
        # The key expired between add and incr: this is the first attempt.
        cache.set(key, 1, timeout=window)
        return 1


def submission_is_new(*, nonce: str) -> bool:
    """Whether this form nonce is seen for the first time (a double submit is not).

    Without a nonce, or without a cache, every submission counts as new.
    """
    if not nonce:
        return True
    try:
        return bool(cache.add(f"portal:nonce:{nonce}", 1, timeout=24 * 60 * 60))
    except Exception:
        log.warning("Nonce cache unavailable; accepting the submission")
        return True
