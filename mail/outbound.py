"""Email to customers: rendered from the templates managers edit, threaded per case.

`customer_email_render` is what `notifications` calls (through the
CUSTOMER_EMAIL_RENDERER setting) for every email to a customer: the subject
carries `[<reference>]`, Reply-To is the case's reply address, and
In-Reply-To / References name the conversation so far.
"""

import logging
from typing import Any

from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext

from complaints.models import Case
from notifications.models import Outbox
from notifications.rendering import render_message

from .conversation import case_reply_address
from .models import EmailTemplate, InboundEmail

logger = logging.getLogger(__name__)
MAX_REFERENCES = 20
"""References beyond these (the oldest) are left out, as mail clients do."""

PLACEHOLDERS: dict[str, list[str]] = {
    "*": [
        "customer_name",
        "status_url",
        "case.reference",
        "case.subject",
        "case.get_stage_display",
    ],
    "customer_message": ["message.body", "signed_by", "message.kind"],
    "offer_made": [
        "offer.get_kind_display",
        "offer.amount",
        "offer.currency",
        "offer.description",
    ],
    "case_resolved": ["case.resolution_summary"],
    "case_closed": ["case.get_close_reason_display"],
    "followup_survey": ["survey_url"],
}


def customer_email_render(
    *, template: str, context: dict[str, Any], case: Case | None
) -> dict[str, Any]:
    """Subject, text, HTML and headers of one customer email of kind `template`.

    The stored templates are in the site's language; a customer who writes in
    another gets the shipped wording, translated (the caller activates it).
    """
    context = {**context, "case": case}
    stored = (
        EmailTemplate.objects.filter(kind=template).first()
        if _in_site_language()
        else None
    )
    try:
        if stored is None:
            raise LookupError(template)
        subject, body, html = _render(stored, context)
    except Exception:  # a stored template that fails: the shipped wording instead
        if stored is not None:
            logger.exception("email template %s failed; using the default", template)
        subject, body = render_message(template, context)
        html = linebreaks(escape(body))
    subject = " ".join(subject.split())
    headers: dict[str, str] = {}
    if case is not None and case.reference:
        tag = f"[{case.reference}]"
        if tag not in subject:
            subject = f"{tag} {subject}"
        headers["Reply-To"] = case_reply_address(case.reference)
        thread = conversation_ids(case)
        if thread:
            headers["In-Reply-To"] = thread[-1]
            headers["References"] = " ".join(thread[-MAX_REFERENCES:])
    return {
        "subject": subject[:300],
        "body": body.strip(),
        "html": html,
        "headers": headers,
    }


def conversation_ids(case: Case) -> list[str]:
    """Message-IDs of the case's emails so far, sent and received, oldest first."""
    sent = (
        [
            (row.created_at, row.message_id)
            for row in Outbox.objects.filter(case=case, to__iexact=case.customer.email)
            .only("pk", "key", "created_at")
            .order_by("created_at", "pk")
        ]
        if case.customer.email
        else []
    )
    received = [
        (at, f"<{mid}>")
        for at, mid in InboundEmail.objects.filter(case=case)
        .exclude(message_id="")
        .values_list("received_at", "message_id")
    ]
    return [mid for _, mid in sorted(sent + received)]


def _in_site_language() -> bool:
    site = settings.LANGUAGE_CODE.split("-")[0]
    return (translation.get_language() or site).split("-")[0] == site


def _render(stored: EmailTemplate, context: dict[str, Any]) -> tuple[str, str, str]:
    plain = Context(context, autoescape=False)
    return (
        Template(stored.subject).render(plain),
        Template(stored.text).render(plain),
        Template(stored.html).render(Context(context)),
    )


def template_errors(template: EmailTemplate) -> dict[str, str]:
    """What is wrong with each part, by field name (empty when all render).

    Each part must compile, and render with sample data (an `{% include %}`
    of a missing file compiles but fails when sent).
    """
    errors = {}
    context = sample_context(template.kind)
    for name in ("subject", "text", "html"):
        try:
            Template(getattr(template, name) or "").render(Context(context))
        except TemplateSyntaxError as exc:
            errors[name] = gettext("Template syntax error: %(error)s") % {"error": exc}
        except Exception as exc:  # any failure to render is a failure to send
            errors[name] = gettext("Cannot render: %(error)s") % {
                "error": f"{type(exc).__name__}: {exc}"
            }
    return errors


def sample_context(kind: str) -> dict[str, Any]:
    """Made-up values for the admin's preview."""
    from types import SimpleNamespace

    case = SimpleNamespace(
        reference="C-2026-000041",
        subject="Parcel arrived broken",
        resolution_summary="We refunded the vase and sent a replacement.",
        get_stage_display="Resolved",
        get_close_reason_display="Customer satisfied",
    )
    return {
        "case": case,
        "customer_name": "Alex Example",
        "status_url": "https://example.com/status/…",
        "survey_url": "https://example.com/survey/…",
        "message": SimpleNamespace(
            body="We have booked a courier for Tuesday.",
            author_label="sam",
            kind="note",
        ),
        "signed_by": "Sam",
        "offer": SimpleNamespace(
            get_kind_display="Refund",
            amount="25.00",
            currency="GBP",
            description="A full refund of the vase.",
        ),
    }


def preview(template: EmailTemplate) -> dict[str, str]:
    """The template rendered with `sample_context`; errors as text."""
    if template_errors(template):
        return {"subject": "(fix the errors first)", "text": "", "html": ""}
    context = sample_context(template.kind)
    try:
        return {
            "subject": Template(template.subject).render(
                Context(context, autoescape=False)
            ),
            "text": Template(template.text).render(Context(context, autoescape=False)),
            "html": Template(template.html).render(Context(context)),
        }
    except Exception as exc:  # a filter failing on sample data
        return {"subject": f"(cannot render: {exc})", "text": "", "html": ""}
