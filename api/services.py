"""Writes the API needs beyond the domain services: API keys, customer edits."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from complaints.links import EMAIL_CHANGED, case_links_revoke_for_customer
from customers.models import Customer
from customers.services import customer_set_consent

from .models import ApiClient, Scope

User = get_user_model()


def api_client_create(
    *, name: str, username: str | None = None, scopes: list[str] | None = None
) -> tuple[ApiClient, str]:
    """Issue a key; return (client, the key in clear — shown once, stored hashed).

    A key for a user acts with the user's role and within its scopes; given no
    scopes it holds all of them (the role alone limits it). A service key given
    none may file and read. Raises ValueError on an unknown scope or user.
    """
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
    return ApiClient.objects.create_key(name=name.strip(), user=user, scopes=scopes)


def api_client_revoke(*, client: ApiClient) -> ApiClient:
    """Revoke a key for good."""
    client.revoked = True
    client.save(update_fields=["revoked"])
    return client


@transaction.atomic
def customer_edit(*, customer: Customer, by: Any = None, **changes: Any) -> Customer:
    """Edit a customer's contact details and consent (through customer_set_consent).

    A changed email ends the links sent to the old address
    (`case_links_revoke_for_customer`); open cases get fresh ones at the new.
    Belongs in `customers.services` once that module grows an edit service.
    """
    consent = changes.pop("consent_to_contact", None)
    fields = {
        k: v.strip() for k, v in changes.items() if k in ("name", "email", "phone")
    }
    email_changed = (
        "email" in fields and fields["email"].lower() != customer.email.lower()
    )
    if fields:
        for name, value in fields.items():
            setattr(customer, name, value)
        customer.save(update_fields=[*fields, "updated_at"])
    if email_changed:
        case_links_revoke_for_customer(customer=customer, by=by, reason=EMAIL_CHANGED)
    if consent is not None and consent != customer.consent_to_contact:
        customer = customer_set_consent(customer=customer, consent=consent)
    return customer
