"""The answer to a filing: a new case as a service client reads it, built directly.

`case_detail_data` runs DRF's field machinery over some fifty fields, about a
tenth of a filing's CPU. A case just filed has nothing but what the filing
wrote (no letters, offers, follow-ups or money paid; its clocks are known),
so the filing's answer is built here from the case alone. It is exactly what
`CaseDetailSerializer` gives a service client (`as_filed`): the tests read
the case back through the serializer and compare, field by field, and a field
added to the serializer but not here fails them.
"""

from typing import Any

from rest_framework import serializers

from complaints.models import Case

_moment = serializers.DateTimeField()


def moment(value) -> str | None:
    return _moment.to_representation(value) if value else None


def _slug(related) -> str | None:
    return related.slug if related is not None else None


def filed_case_data(case: Case) -> dict[str, Any]:
    """`case_detail_data(case, as_filed=True)` of a case just filed by
    `api.services.complaint_file_from_api` (its `api_filing` set)."""
    sent = case.api_filing.customer
    return {
        "reference": case.reference,
        "subject": case.subject,
        "stage": str(case.stage),
        "priority": str(case.priority),
        "channel": str(case.channel),
        "category": _slug(case.category),
        "team": _slug(case.team),
        "assignee": case.assignee.username if case.assignee_id else None,
        "customer": {
            "id": case.customer_id,
            "name": str(sent.get("name", "")),
            "email": str(sent.get("email", "")),
            "phone": str(sent.get("phone", "")),
            "external_ref": sent.get("external_ref"),
        },
        "escalation_level": case.escalation_level,
        "awaiting_customer": case.awaiting_customer,
        "root_cause": _slug(case.root_cause),
        "regime": case.regime,
        "received_at": moment(case.received_at),
        "version": case.version,
        "created_at": moment(case.created_at),
        "updated_at": moment(case.updated_at),
        "description": case.description,
        "customer_account": case.customer_account,
        "restatement": case.restatement,
        "desired_outcome": case.desired_outcome,
        "desired_outcome_declined": case.desired_outcome_declined,
        "resolution_summary": case.resolution_summary,
        "close_reason": str(case.close_reason),
        "duplicate_of": case.duplicate_of.reference if case.duplicate_of_id else None,
        "follow_up_refused": case.follow_up_refused,
        "skipped_steps": case.skipped_steps,
        "reopen_count": case.reopen_count,
        "occurred_at": moment(case.occurred_at),
        "metadata": case.metadata,
        "first_response_at": moment(case.first_response_at),
        "resolved_at": moment(case.resolved_at),
        "closed_at": moment(case.closed_at),
        "deadlines": [
            {
                "kind": str(d.kind),
                "target_minutes": d.target_minutes,
                "due_at": moment(d.due_at),
                "warn_at": moment(d.warn_at),
                "met_at": moment(d.met_at),
                "paused_at": moment(d.paused_at),
                "breached_at": moment(d.breached_at),
                "cancelled_at": moment(d.cancelled_at),
            }
            for d in case.deadlines.all()
        ],
        "statutory_deadlines": [
            {
                "kind": str(s.kind),
                "due_at": moment(s.due_at),
                "met_at": moment(s.met_at),
                "breached": bool(s.breached),
            }
            for s in case.statutory_deadlines.all()
        ],
        # Nothing of these exists yet on a case just filed; a service client
        # is never shown the customer's vulnerability or representative.
        "outcome": None,
        "referral_window_ends": None,
        "redress_paid": {},
        "vulnerable": None,
        "vulnerability": None,
        "representative": None,
        "offers": [],
        "followups": [],
    }
