"""Writes about customers: matching a filer to a customer, editing, consent.

Ending a relationship spans the customer's cases, so it lives in the complaints
core (`complaints.relationships`), which sits above this app.
"""

from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet, Value
from django.db.models.functions import Lower
from django.utils import timezone

from complaints.bounds import fields_check
from config.rows import row_sql
from teams.actors import By, as_actor
from teams.audit import audit

from .models import Customer, CustomerRef


def customer_match_or_create(
    *,
    email: str,
    name: str,
    phone: str = "",
    external_ref: str | None = None,
    client: Any = None,
    by: By,
    language: str = "",
) -> tuple[Customer, bool]:
    """Find the customer by the caller's own external_ref, else by email
    (case-insensitive), else create them; return (customer, created).

    `client` is the API client filing (None for staff and the public form):
    refs are looked up and recorded in its namespace only, so another client's
    ref is never read, matched or overwritten. A matched customer only gains
    the caller's ref: name, contact details and consent stay as they are, as
    whoever files need not be the customer; `language` (the filer's, one of
    settings.LANGUAGES, else ignored) is recorded for a new customer, or one
    who has none yet. Safe under concurrent calls with the same ref: the loser of the
    insert race reads the winner's row. `by` is who files (audited on a create).
    """
    by = as_actor(by)
    fields_check(Customer, {"email": email, "name": name, "phone": phone})
    fields_check(CustomerRef, {"external_ref": external_ref})
    external_ref = (external_ref or "").strip() or None
    email = (email or "").strip()
    language = language if language in dict(settings.LANGUAGES) else ""
    if external_ref or not email:
        customer = _find(email=email, external_ref=external_ref, client=client)
    else:
        customer, created = _find_or_insert(
            Customer(email=email, name=name, phone=phone, language=language)
        )
        if created:
            audit("customer.created", by=by, customer=customer.pk)
            customer.created_here = True
            return customer, True
    if customer is not None:
        if language and not customer.language:
            Customer.objects.filter(pk=customer.pk, language="").update(
                language=language
            )
            customer.language = language
        return customer, False
    if not external_ref:
        # Nothing unique to race for (emails are not unique): a plain insert.
        customer = Customer.objects.create(
            email=email, name=name, phone=phone, language=language
        )
        audit("customer.created", by=by, customer=customer.pk)
        customer.created_here = True
        return customer, True
    try:
        with transaction.atomic():
            customer = Customer.objects.create(
                email=email, name=name, phone=phone, language=language
            )
            CustomerRef.objects.create(
                client=client, customer=customer, external_ref=external_ref
            )
        audit("customer.created", by=by, customer=customer.pk)
        customer.created_here = True
        return customer, True
    except IntegrityError:
        customer = _find(email=email, external_ref=external_ref, client=client)
        if customer is None:
            raise
        return customer, False


def customer_set_consent(*, customer: Customer, consent: bool, by: By) -> Customer:
    """Record whether the customer consents to follow-up contact."""
    audit("customer.consent", by=by, customer=customer.pk, consent=consent)
    customer.consent_to_contact = consent
    customer.consent_updated_at = timezone.now()
    customer.save(
        update_fields=["consent_to_contact", "consent_updated_at", "updated_at"]
    )
    return customer


def customer_edit(*, customer: Customer, by: By, **changes: Any) -> Customer:
    """Edit a customer's name, email, phone and consent.

    For staff only: callers look the customer up through
    `customers.selectors.customers_visible_to`, which is also who may edit.
    """
    consent = changes.pop("consent_to_contact", None)
    fields = {
        k: v.strip() for k, v in changes.items() if k in ("name", "email", "phone")
    }
    fields_check(Customer, fields)
    audit("customer.edited", by=by, customer=customer.pk, fields=sorted(fields))
    if fields:
        for name, value in fields.items():
            setattr(customer, name, value)
        customer.save(update_fields=[*fields, "updated_at"])
    if consent is not None and consent != customer.consent_to_contact:
        customer = customer_set_consent(customer=customer, consent=consent, by=by)
    return customer


def same_email_as(email: str) -> QuerySet[Customer]:
    """Customers whose email is `email`, case-insensitively (as the
    `customer_email_ci` index holds them, so the lookup is an index scan)."""
    return Customer.objects.alias(email_ci=Lower("email")).filter(
        email_ci=Lower(Value(email))
    )


def _find_or_insert(new: Customer) -> tuple[Customer | None, bool]:
    """The first customer with `new`'s email (`same_email_as`), else `new`
    inserted: (customer, inserted). One statement on PostgreSQL; elsewhere
    the lookup and then the insert."""
    if connection.vendor != "postgresql":
        found = _find(email=new.email, external_ref=None, client=None)
        if found is not None:
            return found, False
        new.save(force_insert=True)
        return new, True
    meta = Customer._meta
    names = [f.attname for f in meta.concrete_fields]
    table = connection.ops.quote_name(meta.db_table)
    listed = ", ".join(
        connection.ops.quote_name(f.column) for f in meta.concrete_fields
    )
    columns, values, params = row_sql(new, cast=True)
    sql = (
        f"WITH found AS (SELECT {listed} FROM {table} "  # noqa: S608 - model names
        f"WHERE LOWER(email::text) = LOWER(%s) ORDER BY id LIMIT 1), "
        f"made AS (INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} WHERE NOT EXISTS (SELECT 1 FROM found) "
        f"RETURNING {listed}) "
        f"SELECT {listed}, false FROM found UNION ALL SELECT {listed}, true FROM made"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [new.email, *params])
        *row, inserted = cursor.fetchone()
    return Customer.from_db(connection.alias, names, row), inserted


def _find(*, email: str, external_ref: str | None, client: Any) -> Customer | None:
    if external_ref:
        ref = (
            CustomerRef.objects.filter(client=client, external_ref=external_ref)
            .select_related("customer")
            .first()
        )
        if ref is not None:
            return ref.customer
    if not email:
        return None
    same_email = same_email_as(email).order_by("id")
    if not external_ref:
        return same_email.first()
    # The caller's own id wins: a customer it already knows under another id is
    # someone else to it (a shared family address); adopt the first it does not.
    mine = CustomerRef.objects.filter(client=client).values("customer_id")
    found = same_email.exclude(pk__in=mine).first()
    if found is None:
        return None
    return _ref_add(customer=found, client=client, external_ref=external_ref)


def _ref_add(*, customer: Customer, client: Any, external_ref: str) -> Customer:
    """Record the caller's ref for `customer`; return whom the ref names.

    A concurrent filing that recorded the same ref first wins: its customer
    is the one the ref names from now on, so this filing joins them too.
    """
    try:
        with transaction.atomic():
            CustomerRef.objects.create(
                client=client, customer=customer, external_ref=external_ref
            )
    except IntegrityError:
        return (
            CustomerRef.objects.select_related("customer")
            .get(client=client, external_ref=external_ref)
            .customer
        )
    return customer
