"""Writes the API needs beyond the domain services: API keys, filing with its echo."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from complaints.actors import Actor
from complaints.models import Case
from complaints.services import case_file
from customers.services import customer_match_or_create
from teams.actors import By, as_actor
from teams.audit import audit

from .models import ApiClient, CaseFiling, Scope

User = get_user_model()


def api_client_create(
    *, name: str, username: str | None = None, scopes: list[str] | None = None, by: By
) -> tuple[ApiClient, str]:
    """Issue a key; return (client, the key in clear — shown once, stored hashed).

    A key for a user acts with the user's role and within its scopes; given no
    scopes it holds all of them (the role alone limits it). A service key given
    none may file and read. Raises ValueError on an unknown scope or user,
    TypeError without an actor.
    """
    by = as_actor(by)
    if scopes:
        scopes = list(dict.fromkeys(scopes))
    elif username:
        scopes = list(Scope.values)
    else:
        scopes = [Scope.COMPLAINTS_WRITE.value, Scope.COMPLAINTS_READ.value]
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
    client, key = ApiClient.objects.create_key(
        name=name.strip(), user=user, scopes=scopes
    )
    audit("api_key.created", by=by, client=client.pk, name=client.name)
    return client, key


def api_client_revoke(*, client: ApiClient, by: By) -> ApiClient:
    """Revoke a key for good."""
    by = as_actor(by)
    client.revoked = True
    client.save(update_fields=["revoked"])
    audit("api_key.revoked", by=by, client=client.pk, name=client.name)
    return client


@transaction.atomic
def api_client_rotate(*, client: ApiClient, by: By) -> tuple[ApiClient, str]:
    """Replace a key: a new one with the same name, user and scopes, the old one
    revoked; return (the new client, its key in clear — shown once).

    Raises ValueError when the key is revoked already or its user is inactive.
    """
    by = as_actor(by)
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked:
        raise ValueError(f"the key {client.prefix} is revoked already")
    fresh, key = api_client_create(
        name=client.name,
        username=client.user.get_username() if client.user else None,
        scopes=list(client.scopes),
        by=by,
    )
    api_client_revoke(client=client, by=by)
    return fresh, key


def complaint_file_from_api(
    *,
    customer: dict[str, Any],
    client: ApiClient | None,
    by: Actor,
    savepoint: bool = True,
    **case_fields: Any,
) -> Case:
    """File a complaint sent to the API, matching the customer in `client`'s refs.

    Records what was sent for the customer with the case (`CaseFiling`, written
    with it), the only customer data a service client is shown back. Raises what
    `complaints.services.case_file` raises.
    """
    sent = {
        "name": customer.get("name", ""),
        "email": customer.get("email", ""),
        "phone": customer.get("phone", ""),
        "external_ref": customer.get("external_ref") or None,
    }
    filing: list[CaseFiling] = []

    def echo(case: Case) -> list[CaseFiling]:
        filing.append(CaseFiling(case=case, customer=sent))
        return filing

    # In a caller's transaction that any error rolls back whole (the
    # idempotency record's), `savepoint=False` spares two round trips.
    with transaction.atomic(savepoint=savepoint):
        matched, _created = customer_match_or_create(
            **sent, client=client, by=by, language=customer.get("language", "")
        )
        case = case_file(
            customer=matched, api_client=client, by=by, also=echo, **case_fields
        )
    case.api_filing = filing[0]
    return case
