"""Writes the API needs beyond the domain services: filing, API keys, customer edits."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from complaints.bounds import fields_check
from complaints.models import Case
from complaints.services import case_file
from customers.models import Customer
from customers.services import customer_match_or_create, customer_set_consent

from .models import ApiClient, Scope

User = get_user_model()


@transaction.atomic
def complaint_file_from_api(
    *, customer: dict[str, Any], api_client: ApiClient | None, by: Any, **case: Any
) -> Case:
    """Match or create the customer and file the case, all or nothing.

    A filing refused half-way (InvalidInput, a database error) leaves no
    customer behind. Raises what `customer_match_or_create` and `case_file` raise.
    """
    found, _created = customer_match_or_create(**customer)
    return case_file(customer=found, api_client=api_client, by=by, **case)


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


def customer_edit(*, customer: Customer, **changes: Any) -> Customer:
    """Edit a customer's contact details and consent (through customer_set_consent).

    Belongs in `customers.services` once that module grows an edit service.
    """
    consent = changes.pop("consent_to_contact", None)
    fields = {
        k: v.strip() for k, v in changes.items() if k in ("name", "email", "phone")
    }
    fields_check(Customer, fields)
    if fields:
        for name, value in fields.items():
            setattr(customer, name, value)
        customer.save(update_fields=[*fields, "updated_at"])
    if consent is not None and consent != customer.consent_to_contact:
        customer = customer_set_consent(customer=customer, consent=consent)
    return customer
