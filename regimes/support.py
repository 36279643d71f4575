"""Vulnerability and representation: the one path that records them (CONTRACT §15).

The records live on the customer (`customers.models.Vulnerability`,
`Representative`); they are written here because each change is put on the
timeline of the customer's open cases, which the customers app (below the
complaints core) cannot reach.

- Vulnerability (FCA FG21/1): the four drivers, the adjustments made, and the
  customer's consent to record them (who gave it, when). Drivers are refused
  until consent is recorded; withdrawing consent clears them.
- A representative (family member, claims management firm, power of
  attorney, solicitor, other) with the evidence of their authority, who may
  receive the customer's letters (a copy, or instead of the customer).

Whoever may see the customer may record them (`customers_visible_to`); a
service API client never may. Timeline events carry no details (the timeline
reaches service clients), only that something was recorded.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from complaints.actors import Actor, as_actor
from complaints.bounds import fields_check
from complaints.exceptions import ActionForbidden, DomainError, InvalidInput
from complaints.models import OPEN_STAGES, Case, EventKind
from complaints.timeline import record_events
from customers.models import (
    Customer,
    LetterCopy,
    Representative,
    RepresentativeKind,
    Vulnerability,
    VulnerabilityDriver,
)
from customers.selectors import customers_visible_to


class SupportRefused(DomainError):
    """Vulnerability or representation could not be recorded as asked."""

    title = "Not recorded"


class SupportInputRefused(SupportRefused, InvalidInput):
    """Fields of the record are missing or wrong; `missing` names each one.

    An `InvalidInput`, so every interface shows it as a fault of those fields
    (the API: 422 with `errors`), not as a state in the way (consent: 409).
    """

    def __init__(self, detail: str, fields: list[str]) -> None:
        DomainError.__init__(self, detail, fields)
        self.field = fields[0]


def support_check(*, customer: Customer, by: Actor | Any) -> Actor:
    """Raise ActionForbidden unless `by` may record support for the customer."""
    actor = as_actor(by)
    if actor.is_system:
        return actor
    if actor.user is None or not (
        customers_visible_to(actor.user).filter(pk=customer.pk).exists()
    ):
        raise ActionForbidden(
            gettext("Only staff who may see the customer may record this.")
        )
    return actor


@transaction.atomic
def customer_vulnerability_record(
    *,
    customer: Customer,
    drivers: list[str],
    adjustments: str = "",
    consent_from: str = "",
    by: Actor | Any,
) -> Vulnerability:
    """Record the customer's vulnerability drivers and the adjustments made.

    `consent_from` names who consented now (the customer, or their
    representative); without it a consent recorded before must stand. Raises
    SupportRefused (`consent`) for drivers without consent, (`drivers`) for
    an unknown driver; ActionForbidden for a caller who may not see them.
    """
    actor = support_check(customer=customer, by=by)
    unknown = [d for d in drivers if d not in VulnerabilityDriver.values]
    if unknown:
        raise SupportInputRefused(
            gettext("Unknown drivers: %(drivers)s.") % {"drivers": ", ".join(unknown)},
            ["drivers"],
        )
    consent_from = (consent_from or "").strip()
    adjustments = (adjustments or "").strip()
    fields_check(
        Vulnerability, {"consent_from": consent_from, "adjustments": adjustments}
    )
    record = Vulnerability.objects.select_for_update().filter(
        customer=customer
    ).first() or Vulnerability(customer=customer)
    now = timezone.now()
    if consent_from:
        record.consent_from = consent_from
        record.consent_at = now
        record.consent_recorded_by = actor.label
    if drivers and record.consent_at is None:
        raise SupportRefused(
            gettext("Record who consented before recording a vulnerability."),
            ["consent"],
        )
    for driver in VulnerabilityDriver.values:
        setattr(record, driver, driver in drivers)
    record.adjustments = adjustments
    record.recorded_by = actor.label
    record.save()
    _on_open_cases(customer, EventKind.VULNERABILITY_RECORDED, actor, record)
    return record


@transaction.atomic
def customer_vulnerability_consent_withdraw(
    *, customer: Customer, by: Actor | Any
) -> None:
    """Withdraw the consent: the drivers and adjustments recorded are cleared.

    Raises ActionForbidden for a caller who may not see the customer.
    """
    actor = support_check(customer=customer, by=by)
    record = Vulnerability.objects.select_for_update().filter(customer=customer)
    record = record.first()
    if record is None:
        return
    for driver in VulnerabilityDriver.values:
        setattr(record, driver, False)
    record.adjustments = ""
    record.consent_from, record.consent_at = "", None
    record.recorded_by = actor.label
    record.save()
    _on_open_cases(customer, EventKind.VULNERABILITY_RECORDED, actor, record)


@transaction.atomic
def customer_representative_record(
    *,
    customer: Customer,
    name: str,
    kind: str,
    authority: str,
    email: str = "",
    receives_letters: str = LetterCopy.NO,
    by: Actor | Any,
) -> Representative:
    """Record (or replace) who represents the customer and their authority.

    Raises SupportInputRefused naming the fields at fault: a missing name or
    authority, an unknown kind or letter choice, letters without an email;
    ActionForbidden for a caller who may not see the customer.
    """
    actor = support_check(customer=customer, by=by)
    name, authority, email = (
        (name or "").strip(),
        (authority or "").strip(),
        (email or "").strip(),
    )
    missing = [f for f, v in (("name", name), ("authority", authority)) if not v]
    if kind not in RepresentativeKind.values:
        missing.append("kind")
    if receives_letters not in LetterCopy.values:
        missing.append("receives_letters")
    elif receives_letters != LetterCopy.NO and not email:
        missing.append("email")
    if missing:
        raise SupportInputRefused(
            gettext("The representative needs: %(fields)s.")
            % {"fields": ", ".join(missing)},
            missing,
        )
    fields_check(Representative, {"name": name, "email": email, "authority": authority})
    record = Representative.objects.select_for_update().filter(
        customer=customer
    ).first() or Representative(customer=customer)
    changed_authority = record.pk is None or record.authority != authority
    record.name, record.kind, record.email = name, kind, email
    record.authority = authority
    if changed_authority:
        record.authority_recorded_at = timezone.now()
    record.receives_letters = receives_letters
    record.recorded_by = actor.label
    record.save()
    _on_open_cases(customer, EventKind.REPRESENTATIVE_RECORDED, actor, record)
    return record


@transaction.atomic
def customer_representative_remove(*, customer: Customer, by: Actor | Any) -> bool:
    """End the representation; return whether there was one.

    Raises ActionForbidden for a caller who may not see the customer.
    """
    actor = support_check(customer=customer, by=by)
    record = Representative.objects.filter(customer=customer).first()
    if record is None:
        return False
    record.delete()
    _on_open_cases(customer, EventKind.REPRESENTATIVE_RECORDED, actor, None)
    return True


def _on_open_cases(
    customer: Customer, kind: EventKind, actor: Actor, record: Any
) -> None:
    """Note the change on each open case of the customer (no details: see above)."""
    cases = Case.objects.filter(customer=customer, stage__in=OPEN_STAGES)
    data = {"present": record is not None}
    record_events([(case, kind, data) for case in cases], by=actor)
