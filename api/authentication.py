"""`Authorization: Token <key>` authentication against hashed API keys.

A key once verified against its stored hash is kept in the process
(`config.memo`, by the SHA-256 of the key, never the key itself), so a busy
client costs neither a query nor a hash per request. Saving or deleting any
API client or user (revoking, rotating, deactivating) clears that memo in
every worker before the next request.
"""

import hashlib
from dataclasses import dataclass, field

from django.utils import timezone
from rest_framework import authentication, exceptions

from config.memo import Memo

from .models import ApiClient

verified_keys = Memo("api-keys")


@dataclass
class ServiceClient:
    """The request.user of a key issued without a user: only its scopes count."""

    client: ApiClient
    scopes: frozenset[str] = field(default_factory=frozenset)
    is_authenticated: bool = True
    is_active: bool = True
    is_superuser: bool = False
    is_staff: bool = False
    is_anonymous: bool = False
    pk: None = None
    id: None = None

    def get_username(self) -> str:
        return f"api:{self.client.name}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Token header.")
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Malformed Token header.") from None
        if "\x00" in key:  # the database cannot even look it up
            raise exceptions.AuthenticationFailed("Malformed Token header.")
        client = self._lookup(key)
        if client is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        if client.has_expired:
            raise exceptions.AuthenticationFailed("This API key has expired.")
        self._mark_used(client)
        if client.user is not None:
            if not client.user.is_active:
                raise exceptions.AuthenticationFailed("The key's user is inactive.")
            return client.user, client
        return ServiceClient(client=client, scopes=frozenset(client.scopes)), client

    def authenticate_header(self, request) -> str:
        return self.keyword

    @staticmethod
    def _lookup(key: str) -> ApiClient | None:
        """The live client of `key`: memoised, else found by its prefix and
        checked against its SHA-512 (one query). Only valid keys are kept."""
        digest = key_digest(key)
        return verified_keys.get(
            digest, lambda: _lookup_stored(key), keep=lambda c: c is not None
        )

    @staticmethod
    def _mark_used(client: ApiClient) -> None:
        # At most one write a minute per key, to keep the hot path cheap.
        now = timezone.now()
        if (
            client.last_used_at is None
            or (now - client.last_used_at).total_seconds() > 60
        ):
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
            client.last_used_at = now


def key_digest(key: str) -> str:
    """What `verified_keys` keeps a key's client under."""
    return hashlib.sha256(key.encode()).hexdigest()


def header_key(request) -> str | None:
    """The key of an `Authorization: Token <key>` header, when well formed."""
    header = authentication.get_authorization_header(request).split()
    if len(header) != 2 or header[0].lower() != b"token":
        return None
    try:
        return header[1].decode()
    except UnicodeError:
        return None


def _lookup_stored(key: str) -> ApiClient | None:
    prefix, _, _ = key.partition(".")
    client = (
        ApiClient.objects.filter(revoked=False, prefix=prefix)
        .select_related("user")
        .first()
    )
    return client if client is not None and client.is_valid(key) else None
