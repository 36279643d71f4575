"""Writes about API clients: issue and revoke keys."""

from django.contrib.auth import get_user_model

from .models import ApiClient, Scope

User = get_user_model()


def api_client_create(
    *, name: str, username: str | None = None, scopes: list[str] | None = None
) -> tuple[ApiClient, str]:
    """Issue a key; return (client, the key in clear — shown once, stored hashed).

    Raises ValueError on an unknown scope or user.
    """
    scopes = list(scopes) if scopes else [Scope.COMPLAINTS_WRITE, Scope.COMPLAINTS_READ]
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise ValueError(
            f"unknown scope(s) {', '.join(unknown)}; use {', '.join(Scope.values)}"
        )
    user = None
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValueError(f"no active user {username!r}")
    if not name.strip() or len(name) > 50:
        raise ValueError("name must be 1 to 50 characters")
    return ApiClient.objects.create_key(name=name.strip(), user=user, scopes=scopes)


def api_client_revoke(*, client: ApiClient) -> ApiClient:
    """Revoke a key for good."""
    client.revoked = True
    client.save(update_fields=["revoked"])
    return client
