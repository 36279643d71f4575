"""Throttles: per API client (its key) or user, and per socket address when anonymous.

DRF's `get_ident` trusts `X-Forwarded-For` only when `NUM_PROXIES` is set to a
number of trusted proxies; it is 0 by default, so a forged header is ignored.
Rates are read at request time, so a settings change (or a test) takes effect.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .authentication import ServiceClient


class _LiveRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class ClientRateThrottle(_LiveRate, SimpleRateThrottle):
    """Authenticated callers: one bucket per API key, or per user for sessions."""

    scope = "client"

    def get_cache_key(self, request, view):
        client = request.auth if hasattr(request.auth, "prefix") else None
        if client is not None:
            ident = f"key:{client.pk}"
        elif isinstance(request.user, ServiceClient):
            ident = f"key:{request.user.client.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonRateThrottle(_LiveRate, SimpleRateThrottle):
    """Anonymous callers (including failed key guesses): one bucket per address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }
