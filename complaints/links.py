"""How long a customer's signed links live: the epochs they carry and their revocation.

The portal signs a status link with the case's `link_epoch` and a survey link
with its `survey_epoch`, and refuses a link whose epoch is behind the case's.
This module is the only code that moves those counters:

- closing a case ends its status links (`transition` calls `links_end`); the
  customer is emailed a fresh one, which still shows the closed case but
  takes no more answers. Survey links keep working for their follow-up;
- a change of the customer's email, or a staff member's "revoke links", ends
  both status and survey links (`case_links_revoke`,
  `case_links_revoke_for_customer`); open cases get a fresh status link by
  email, at the customer's (new) address.

Every revocation appends `links_revoked` to the timeline. The link itself is
built by the portal and handed down as the setting `CUSTOMER_STATUS_URL`
(the dotted path of a callable taking the case), so the domain never imports it;
a follow-up's survey link likewise comes through `CUSTOMER_SURVEY_URL`.
"""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from customers.models import Customer
from customers.services import customer_edit

from . import hooks
from .actors import By, as_actor
from .hooks import Hook
from .models import Case, EventKind
from .timeline import record_event
from .versions import case_lock

CLOSED = "case closed"
EMAIL_CHANGED = "customer email changed"
REVOKED = "revoked by staff"


def status_url(case: Case) -> str:
    """The absolute URL of the customer's status page, valid at the case's epoch."""
    return import_string(settings.CUSTOMER_STATUS_URL)(case)


def survey_url(followup: Any) -> str:
    """The absolute URL of the follow-up's satisfaction survey (built by the portal)."""
    return import_string(settings.CUSTOMER_SURVEY_URL)(followup)


def links_end(
    case: Case, *, by: By, reason: str, surveys: bool, notify: bool = True
) -> Case:
    """End the case's status links (and survey links when `surveys`).

    The caller holds the case row locked inside a transaction. Records
    `links_revoked` and, when `notify`, queues the fresh link by email.
    """
    case.link_epoch += 1
    fields = ["link_epoch", "updated_at"]
    if surveys:
        case.survey_epoch += 1
        fields.append("survey_epoch")
    case.save(update_fields=fields)
    emailed = notify and any(hooks.run(Hook.CUSTOMER_LINK, case=case, reason=reason))
    record_event(
        case,
        EventKind.LINKS_REVOKED,
        by=by,
        after=case.link_epoch,
        reason=reason,
        surveys=surveys,
        fresh_link_emailed=emailed,
    )
    return case


def case_links_revoke(*, case: Case, by: By, reason: str = "") -> Case:
    """Revoke every status and survey link of the case; email a fresh status link.

    The caller has checked that `by` may see the case. The fresh link goes out
    only while the case is open (a closed case's customer was sent one on close
    and can ask again). Returns the updated case.
    """
    actor = as_actor(by)
    note = reason.strip() or REVOKED
    with transaction.atomic():
        case = case_lock(case)
        return links_end(case, by=actor, reason=note, surveys=True, notify=case.is_open)


def case_links_revoke_for_customer(
    *, customer: Customer, by: By, reason: str = EMAIL_CHANGED
) -> list[str]:
    """Revoke the links of every case of the customer (their email changed).

    Open cases get a fresh status link at the customer's current address.
    Returns the references whose links were revoked.
    """
    actor = as_actor(by)
    revoked = []
    with transaction.atomic():
        pks = Case.objects.filter(customer=customer).order_by("pk")
        for pk in pks.values_list("pk", flat=True):
            case = case_lock(pk)
            links_end(case, by=actor, reason=reason, surveys=True, notify=case.is_open)
            revoked.append(case.reference)
    return revoked


@transaction.atomic
def customer_edit_ending_links(
    *, customer: Customer, by: By, **changes: Any
) -> Customer:
    """Edit a customer (`customers.services.customer_edit`); a new email ends old links.

    Links sent to the old address stop working on every case of the customer;
    open cases get fresh ones at the new address.
    """
    old_email = customer.email
    customer = customer_edit(customer=customer, by=by, **changes)
    if customer.email.lower() != old_email.lower():
        case_links_revoke_for_customer(customer=customer, by=by, reason=EMAIL_CHANGED)
    return customer
