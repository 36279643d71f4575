"""Subject access: everything held about one customer, as JSON or as a PDF.

`customer_for_export` is the one rule for every path (the staff page, the
API): the customer must be visible to the caller
(`customers.selectors.customers_visible_to`, else None: a 404) and the caller
a manager (else ExportForbidden: a 403). `subject_access_export` gathers the
data and records who exported it when (a `SubjectAccessExport` row and a
`subject_access_exported` event on each of the customer's cases): the
profile, consents, vulnerability (with the consent to record it), the
representative, holds, every case with its letters (and to whom they went,
copies included) and letter drafts, the emails sent. The number
of queries does not grow with the customer's cases or their rows.
"""

import html
import logging
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext

from attachments.models import Attachment
from complaints.actors import By, as_actor
from complaints.models import Case, Event, EventKind
from complaints.timeline import record_events
from customers.models import Customer
from customers.selectors import customer_for, representative_of, vulnerability_of
from notifications.models import Outbox
from regimes.models import Letter

from .exceptions import RecordsRefused
from .holds import holds_of_customer, may_manage_records
from .models import AnonymisedCustomer, ExportFormat, SubjectAccessExport
from .sections import sections

logger = logging.getLogger(__name__)
LABELS = dict(EventKind.choices)


class ExportForbidden(RecordsRefused):
    """The caller sees the customer but is not a manager."""

    title = "Only managers export a customer's data"


def customer_for_export(user: Any, customer_id: int) -> Customer | None:
    """The customer whose data `user` may export; None when `user` may not see
    them. Raises ExportForbidden when `user` sees them but is no manager."""
    customer = customer_for(user, customer_id)
    if customer is None:
        return None
    if not may_manage_records(user):
        raise ExportForbidden(
            gettext("Only a manager may export a customer's data."), ["role"]
        )
    return customer


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj: Any, *names: str) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in names}


def _cases(customer: Customer) -> list[Case]:
    return list(
        Case.objects.filter(customer=customer)
        .select_related("category", "team", "assignee", "root_cause")
        .prefetch_related(
            "messages",
            "offers",
            "followups",
            "promises",
            "statutory_deadlines",
            Prefetch("letters", queryset=Letter.objects.defer("pdf")),
            "letter_approvals",
            Prefetch("attachments", queryset=Attachment.objects.all()),
            Prefetch("events", queryset=Event.objects.order_by("id")),
        )
        .order_by("created_at", "id")
    )


def _case(case: Case, sent: list[Outbox]) -> dict[str, Any]:
    data = _row(
        case,
        "reference",
        "subject",
        "description",
        "channel",
        "priority",
        "stage",
        "regime",
        "received_at",
        "occurred_at",
        "created_at",
        "closed_at",
        "close_reason",
        "customer_account",
        "restatement",
        "desired_outcome",
        "resolution_summary",
        "metadata",
    )
    data["category"] = case.category.name if case.category_id else None
    data["team"] = case.team.name if case.team_id else None
    data["assignee"] = case.assignee.get_username() if case.assignee_id else None
    data["messages"] = [
        _row(m, "created_at", "author_label", "visibility", "kind", "body")
        for m in case.messages.all()
    ]
    data["offers"] = [
        _row(o, "created_at", "kind", "amount", "currency", "status", "description")
        | _row(o, "counter_request", "decision_note", "fulfilled_at")
        for o in case.offers.all()
    ]
    data["followups"] = [
        _row(f, "due_at", "channel", "status", "note", "outcome", "csat")
        | _row(f, "result_note", "completed_at")
        for f in case.followups.all()
    ]
    data["promises"] = [
        _row(p, "created_at", "text", "due_at", "kept_at") for p in case.promises.all()
    ]
    data["statutory_deadlines"] = [
        _row(d, "kind", "due_at", "met_at", "breached_at")
        for d in case.statutory_deadlines.all()
    ]
    data["letters"] = [
        _row(x, "sent_at", "kind", "outcome", "to", "copy_to", "body", "sha256")
        for x in case.letters.all()
    ]
    data["letter_approvals"] = [
        _row(a, "requested_at", "requested_by_label", "kind", "outcome", "status")
        | _row(a, "decided_at", "note", "body")
        for a in case.letter_approvals.all()
    ]
    data["attachments"] = [
        _row(a, "created_at", "filename", "content_type", "size", "sha256", "source")
        for a in case.attachments.all()
    ]
    data["emails_sent"] = [_email(e) for e in sent]
    data["timeline"] = [
        {
            "at": _plain(e.created_at),
            "actor": e.actor_label,
            "kind": e.kind,
            "what": LABELS.get(e.kind, e.kind),
            "before": e.before,
            "after": e.after,
            "data": e.data,
        }
        for e in case.events.all()
    ]
    return data


def _email(row: Outbox) -> dict[str, Any]:
    return _row(row, "created_at", "sent_at", "status", "to", "subject", "body")


def subject_access_data(customer: Customer, *, by_label: str) -> dict[str, Any]:
    """Everything held about `customer`, JSON-ready (reads only)."""
    cases = _cases(customer)
    case_ids = [c.pk for c in cases]
    outbox = Outbox.objects.filter(case_id__in=case_ids)
    if customer.email:
        outbox = Outbox.objects.filter(
            Q(case_id__in=case_ids) | Q(to__iexact=customer.email)
        )
    by_case: dict[int | None, list[Outbox]] = defaultdict(list)
    for row in outbox.order_by("created_at", "id"):
        by_case[row.case_id].append(row)
    anonymised = AnonymisedCustomer.objects.filter(customer=customer).first()
    profile = _row(
        customer,
        "id",
        "name",
        "email",
        "phone",
        "relationship_status",
        "relationship_ended_reason",
        "relationship_ended_at",
        "created_at",
        "updated_at",
    )
    profile["external_refs"] = [r.external_ref for r in customer.refs.order_by("id")]
    profile["anonymised_at"] = _plain(anonymised.at) if anonymised else None
    return {
        "exported_at": timezone.now().isoformat(),
        "exported_by": by_label,
        "customer": profile,
        "consents": {
            "consent_to_contact": customer.consent_to_contact,
            "consent_updated_at": _plain(customer.consent_updated_at),
            "changes": [
                {"at": _plain(e.created_at), "case": c.reference, "consent": e.after}
                for c in cases
                for e in c.events.all()
                if e.kind == EventKind.CONSENT_CHANGED
            ],
        },
        "vulnerability": _vulnerability(customer),
        "representative": _representative(customer),
        "legal_holds": [
            _row(h, "placed_at", "placed_by_label", "reason", "lifted_at")
            | {"case": h.case.reference if h.case_id else None}
            for h in holds_of_customer(customer)
        ],
        "cases": [_case(c, by_case.get(c.pk, [])) for c in cases],
        "emails_sent_without_case": [_email(e) for e in by_case.get(None, [])],
        **{s.name: s.export(customer, case_ids) for s in sections()},
    }


def _vulnerability(customer: Customer) -> dict[str, Any] | None:
    """The vulnerability recorded, with the consent to record it."""
    record = vulnerability_of(customer)
    if record is None:
        return None
    return {"drivers": record.driver_labels} | _row(
        record,
        "adjustments",
        "consent_from",
        "consent_at",
        "consent_recorded_by",
        "recorded_by",
        "updated_at",
    )


def _representative(customer: Customer) -> dict[str, Any] | None:
    """Who acts for the customer, their authority and what letters they get."""
    record = representative_of(customer)
    if record is None:
        return None
    return _row(
        record,
        "name",
        "kind",
        "email",
        "authority",
        "authority_recorded_at",
        "receives_letters",
        "recorded_by",
        "updated_at",
    )


def subject_access_export(
    *, customer: Customer, by: By, fmt: str, via: str
) -> dict[str, Any]:
    """Gather the export and record who took it (audit row and timeline events)."""
    actor = as_actor(by)
    if fmt not in ExportFormat.values:
        raise RecordsRefused(
            gettext("No such format: %(format)s.") % {"format": fmt}, ["format"]
        )
    data = subject_access_data(customer, by_label=actor.label)
    with transaction.atomic():
        SubjectAccessExport.objects.create(
            customer=customer,
            by=actor.user,
            by_label=actor.label,
            format=fmt,
            via=via,
            at=timezone.now(),
        )
        cases = Case.objects.filter(customer=customer).order_by("pk")
        record_events(
            [(c, EventKind.SUBJECT_ACCESS_EXPORTED, {"format": fmt}) for c in cases],
            by=actor,
        )
    return data


def subject_access_pdf(data: dict[str, Any]) -> bytes | None:
    """The export as a PDF (WeasyPrint), or None when it cannot render here."""
    page = subject_access_html(data)
    try:
        import weasyprint
    except (ImportError, OSError):
        logger.warning("WeasyPrint unavailable; no PDF export")
        return None
    return weasyprint.HTML(string=page).write_pdf()


def subject_access_html(data: dict[str, Any]) -> str:
    """The export as one printable HTML page (every value escaped)."""
    name = html.escape(str(data["customer"].get("name") or ""))
    return (
        "<html><head><meta charset='utf-8'><title>Subject access export</title>"
        f"<style>{STYLE}</style></head><body>"
        f"<h1>Everything held about {name}</h1>"
        f"<p>Exported {html.escape(data['exported_at'])} by "
        f"{html.escape(data['exported_by'])}.</p>"
        + "".join(
            f"<h2>{html.escape(_title(key))}</h2>{_html(value)}"
            for key, value in data.items()
            if key not in ("exported_at", "exported_by")
        )
        + "</body></html>"
    )


STYLE = (
    "body{font-family:sans-serif;font-size:9pt} table{border-collapse:collapse;"
    "width:100%;margin:2pt 0} th,td{border:1px solid #999;padding:2pt;"
    "vertical-align:top;text-align:left;white-space:pre-wrap} th{width:22%}"
)


def _title(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _html(value: Any) -> str:
    """A value as nested tables: dicts as rows, lists one after another."""
    if isinstance(value, dict):
        rows = "".join(
            f"<tr><th>{html.escape(_title(str(k)))}</th><td>{_html(v)}</td></tr>"
            for k, v in value.items()
        )
        return f"<table>{rows}</table>"
    if isinstance(value, list):
        if not value:
            return "<p>None.</p>"
        return "".join(_html(item) for item in value)
    if value is None or value == "":
        return "—"
    return html.escape(str(value))
