"""Incidents (reach out first): link the cases and customers hit, tell them once.

`incident_notify` claims one `IncidentNotice` per affected customer who agreed
to be contacted and has an address, and writes its outbox row (key
`incident:<id>:customer:<id>`, unique) in the same transaction, under the
incident's row lock. So a second call reaches only customers linked since,
two calls at once send nothing twice, and a worker restarted mid-delivery
re-sends from the outbox, which marks each row sent once.

`incident_close` closes it once (a second close is refused): with a closing
message, each customer told about it (an `IncidentNotice`) who still agrees
to be contacted gets that message once — the notice's `closing_sent_at` is
stamped and the outbox row (key `incident:<id>:closing:customer:<id>`)
written in the transaction that closes. A closed incident links and
notifies no more (`lock_open`).
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from complaints.actors import as_actor
from complaints.exceptions import DomainError
from complaints.models import Case, Category, EventKind
from complaints.timeline import record_events
from customers.models import Customer
from notifications.outbox import outbox_enqueue_on_commit
from notifications.services import email_queue

from .models import Incident, IncidentCase, IncidentCustomer, IncidentNotice

TOKEN_SALT = "redress.incident"


class IncidentRefused(DomainError):
    """An incident could not be created, linked or announced."""

    title = "Incident refused"


def incident_create(
    *,
    title: str,
    description: str = "",
    customer_message: str,
    category: Category | None = None,
    by,
) -> Incident:
    """Open an incident; raise IncidentRefused without a title or a message."""
    title, customer_message = title.strip(), customer_message.strip()
    if not title or not customer_message:
        raise IncidentRefused(
            gettext("An incident needs a title and a message for the customers."),
            ["body"],
        )
    return Incident.objects.create(
        title=title[:200],
        description=description.strip(),
        customer_message=customer_message,
        category=category,
        created_by=as_actor(by).user,
        created_at=timezone.now(),
    )


@transaction.atomic
def incident_link_cases(
    *, incident: Incident, cases: Sequence[Case], by, now: datetime | None = None
) -> int:
    """Link cases (and so their customers); return how many cases were new."""
    now = now or timezone.now()
    incident = lock_open(incident)
    have = set(incident.case_links.values_list("case_id", flat=True))
    new = [case for case in dict.fromkeys(cases) if case.pk not in have]
    IncidentCase.objects.bulk_create(
        [IncidentCase(incident=incident, case=c, linked_at=now) for c in new],
        ignore_conflicts=True,
    )
    link_customer_ids(incident, {c.customer_id for c in cases}, now)
    _record_on_cases(incident, new, EventKind.INCIDENT_LINKED, by=by)
    return len(new)


def _record_on_cases(
    incident: Incident, cases: Iterable[Case], kind: str, *, by
) -> None:
    """One timeline event of `kind` on each of `cases`, naming the incident."""
    payload = {"incident_id": incident.pk, "title": incident.title}
    record_events([(case, kind, payload) for case in cases], by=by)


@transaction.atomic
def incident_link_customers(
    *,
    incident: Incident,
    customers: Iterable[Customer],
    by,
    now: datetime | None = None,
) -> int:
    """Link affected customers directly; return how many were new."""
    as_actor(by)
    incident = lock_open(incident)
    return link_customer_ids(incident, {c.pk for c in customers}, now or timezone.now())


def lock_open(incident: Incident) -> Incident:
    """Lock the incident's row (inside the caller's transaction) and return it;
    raise IncidentRefused (`closed`) when it is closed."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident.is_open:
        raise IncidentRefused(gettext("The incident is closed."), ["closed"])
    return incident


def link_customer_ids(incident: Incident, ids: set[int], now: datetime) -> int:
    """Link customers by id (inside the caller's transaction); return how many
    were new."""
    have = set(incident.customer_links.values_list("customer_id", flat=True))
    new = ids - have
    IncidentCustomer.objects.bulk_create(
        [
            IncidentCustomer(incident=incident, customer_id=i, linked_at=now)
            for i in new
        ],
        ignore_conflicts=True,
    )
    return len(new)


def incident_notify(*, incident: Incident, by, now: datetime | None = None) -> int:
    """Email each affected, consenting customer not told yet; return how many."""
    now = now or timezone.now()
    with transaction.atomic():
        # The row lock serialises notify (and close) calls on one incident.
        incident = lock_open(incident)
        told = IncidentNotice.objects.filter(incident=incident).values("customer_id")
        waiting = (
            Customer.objects.filter(
                pk__in=incident.customer_links.values("customer_id")
            )
            .filter(consent_to_contact=True)
            .exclude(email="")
            .exclude(pk__in=told)
            .order_by("pk")
        )
        ids = []
        for customer in waiting:
            outbox_id = email_queue(
                to=customer.email,
                template="incident_notice",
                key=f"incident:{incident.pk}:customer:{customer.pk}",
                context={
                    "incident": incident,
                    "customer_name": customer.name,
                    "incident_url": incident_url(incident),
                },
            )
            IncidentNotice.objects.create(
                incident=incident,
                customer=customer,
                outbox_id=outbox_id,
                created_at=now,
            )
            ids.append(outbox_id)
        outbox_enqueue_on_commit(ids)
    return len(ids)


CLOSING_MESSAGE_MAX = 20_000


def incident_close(
    *,
    incident: Incident,
    by,
    closing_message: str = "",
    now: datetime | None = None,
) -> int:
    """Close the incident; with a closing message, email each customer told about
    it who still agrees to be contacted, once. Return how many were emailed.

    Raises IncidentRefused (`closed`) when it is already closed.
    """
    actor = as_actor(by)
    now = now or timezone.now()
    closing_message = closing_message.strip()[:CLOSING_MESSAGE_MAX]
    with transaction.atomic():
        incident = lock_open(incident)
        incident.closed_at, incident.closed_by = now, actor.user
        incident.closing_message = closing_message
        incident.save(update_fields=["closed_at", "closed_by", "closing_message"])
        cases = list(incident.cases.all())
        _record_on_cases(incident, cases, EventKind.INCIDENT_CLOSED, by=actor)
        ids = _closing_notices(incident, now) if closing_message else []
        outbox_enqueue_on_commit(ids)
    return len(ids)


def _closing_notices(incident: Incident, now: datetime) -> list[int]:
    """Queue the closing email to each told, consenting customer not yet sent it
    (inside the closing transaction, under the incident's row lock)."""
    notices = (
        IncidentNotice.objects.filter(incident=incident, closing_sent_at__isnull=True)
        .filter(customer__consent_to_contact=True)
        .exclude(customer__email="")
        .select_related("customer")
        .order_by("customer_id")
    )
    ids = []
    for notice in notices:
        customer = notice.customer
        notice.closing_outbox_id = email_queue(
            to=customer.email,
            template="incident_closed",
            key=f"incident:{incident.pk}:closing:customer:{customer.pk}",
            context={
                "incident": incident,
                "customer_name": customer.name,
                "incident_url": incident_url(incident),
            },
        )
        notice.closing_sent_at = now
        notice.save(update_fields=["closing_outbox", "closing_sent_at"])
        ids.append(notice.closing_outbox_id)
    return ids


def incident_token(incident: Incident) -> str:
    """The signed token of the incident's public status page."""
    return signing.dumps(incident.pk, salt=TOKEN_SALT, compress=True)


def incident_from_token(token: str) -> Incident | None:
    """The incident a well-signed token names, else None."""
    try:
        pk = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Incident.objects.filter(pk=pk).first()


def incident_url(incident: Incident) -> str:
    """Absolute URL of the incident's public status page (served by the portal)."""
    return f"{settings.SITE_URL}/incidents/{incident_token(incident)}/"
