"""Take in one customer email: store it, then file a case, add to one, or ignore it.

`inbound_email_ingest` is the one path for every way mail arrives (the
`ingest_email` command, IMAP polling, `POST /inbound/email/`). It never
raises: whatever goes wrong, the raw bytes are kept with the outcome and its
reason. The unique dedupe key (Message-ID, else the bytes' digest) makes a
second delivery — even a concurrent one — a `duplicate`.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from attachments.exceptions import AttachmentRefused
from attachments.models import Source
from attachments.services import attachment_add
from complaints.actors import Actor
from complaints.models import Case, Channel, MessageKind, Visibility
from complaints.services import case_file, message_post
from customers.services import customer_match_or_create
from notifications.customer_mail import confirmation_queue

from .conversation import case_for
from .models import InboundEmail, Outcome
from .noise import noise_reason, over_rate, rate_since
from .parsing import ParsedEmail, dedupe_key, email_parse, headers_parse

logger = logging.getLogger(__name__)
DUPLICATE = "duplicate"
_HEADERS_ONLY = 256 * 1024


@dataclass(frozen=True)
class IngestResult:
    outcome: str
    reference: str = ""
    reason: str = ""

    def line(self) -> str:
        """The command's output line for this message (CONTRACT §12)."""
        if self.outcome in (Outcome.CREATED, Outcome.APPENDED):
            return f"{self.outcome} {self.reference}"
        if self.outcome in (Outcome.IGNORED, Outcome.REFUSED):
            return f"{self.outcome}: {self.reason}"
        return self.outcome


def inbound_email_ingest(*, raw: bytes, source: str = "") -> IngestResult:
    """Store `raw` and file it; return what became of it. Never raises."""
    try:
        return _ingest(raw, source)
    except Exception as exc:  # keep the message and say why, whatever happened
        logger.exception("inbound email from %s could not be filed", source)
        return _store_refused(raw, source, f"could not be filed ({type(exc).__name__})")


def _ingest(raw: bytes, source: str) -> IngestResult:
    if not raw.strip():
        return _store_refused(raw, source, "empty message")
    if len(raw) > settings.INBOUND_EMAIL_MAX_BYTES:
        limit = settings.INBOUND_EMAIL_MAX_BYTES
        return _store_refused(raw, source, f"larger than {limit} bytes")
    # A repeat is known from its headers alone: skip parsing its body.
    if InboundEmail.objects.filter(
        dedupe_key=dedupe_key(headers_parse(raw), raw)
    ).exists():
        return IngestResult(DUPLICATE)
    parsed = email_parse(raw)
    key = dedupe_key(parsed, raw)
    try:
        with transaction.atomic():
            # The insert comes first: a concurrent copy waits on the unique
            # key here, then fails and reports a duplicate.
            row = _store(raw, source, parsed, key, Outcome.REFUSED, "being filed")
            result = _file(row, parsed)
            row.outcome, row.reason = result.outcome, result.reason[:500]
            row.save(
                update_fields=[
                    "outcome",
                    "reason",
                    "case",
                    "case_message",
                    "attachments",
                ]
            )
            return result
    except IntegrityError:
        if InboundEmail.objects.filter(dedupe_key=key).exists():
            return IngestResult(DUPLICATE)
        raise


def _file(row: InboundEmail, parsed: ParsedEmail) -> IngestResult:
    reason = noise_reason(parsed)
    if reason:
        return IngestResult(Outcome.IGNORED, reason=reason)
    if not parsed.sender:
        return IngestResult(Outcome.REFUSED, reason="no sender address")
    if len(parsed.sender) > 254:
        return IngestResult(Outcome.REFUSED, reason="sender address too long")
    recent = (
        InboundEmail.objects.filter(sender=parsed.sender, received_at__gte=rate_since())
        .exclude(pk=row.pk)
        .count()
    )
    reason = over_rate(parsed.sender, recent=recent)
    if reason:
        return IngestResult(Outcome.IGNORED, reason=reason)
    case, _how = case_for(parsed)
    body = (parsed.reply if case else parsed.text).strip()
    if not body and parsed.attachments:
        names = ", ".join(a.name or a.declared_type for a in parsed.attachments)
        body = f"(attachments only: {names})"
    if not body:
        return IngestResult(Outcome.IGNORED, reason="no text")
    if case is not None:
        result = _append(row, case, body)
    else:
        result = _create(row, parsed, body)
    _attach(row, parsed)
    return result


def _attach(row: InboundEmail, parsed: ParsedEmail) -> None:
    """Keep each attached file on the case; a refused one is noted, not fatal."""
    for listed, part in zip(row.attachments, parsed.attachments, strict=True):
        try:
            attachment = attachment_add(
                case=row.case,
                file=ContentFile(part.data, name=part.name or "attachment"),
                source=Source.EMAIL,
                by=Actor.customer(),
                message=row.case_message,
            )
        except AttachmentRefused as refused:
            listed["refused"] = refused.detail
        else:
            listed["attachment"] = attachment.pk


def _append(row: InboundEmail, case: Case, body: str) -> IngestResult:
    message = message_post(
        case=case,
        body=body,
        visibility=Visibility.CUSTOMER,
        kind=MessageKind.FROM_CUSTOMER,
        by=Actor.customer(),
    )
    # The assignee hears of it from the event stream (notifications.subscribers).
    row.case, row.case_message = case, message
    return IngestResult(Outcome.APPENDED, reference=case.reference)


def _create(row: InboundEmail, parsed: ParsedEmail, body: str) -> IngestResult:
    name = parsed.sender_name or parsed.sender.split("@")[0]
    customer, _ = customer_match_or_create(
        email=parsed.sender, name=name[:200], by=Actor.customer()
    )
    case = case_file(
        customer=customer,
        subject=parsed.subject[:200] or "(no subject)",
        description=body,
        channel=Channel.EMAIL,
        by=Actor.customer(),
        metadata={"email_message_id": parsed.message_id} if parsed.message_id else {},
    )
    row.case = case
    # Tell them the reference; replies to it thread back to the case.
    confirmation_queue(case=case, to=customer.email or parsed.sender)
    return IngestResult(Outcome.CREATED, reference=case.reference)


def _store(
    raw: bytes, source: str, parsed: ParsedEmail, key: str, outcome: str, reason: str
) -> InboundEmail:
    return InboundEmail.objects.create(
        dedupe_key=key,
        message_id=parsed.message_id[:500],
        sender=parsed.sender[:254],
        subject=parsed.subject[:300],
        source=source[:300],
        raw=raw,
        size=len(raw),
        text=parsed.text,
        html=parsed.html,
        attachments=[
            {
                "name": a.name,
                "type": a.declared_type,
                "content_type": a.content_type,
                "size": a.size,
            }
            for a in parsed.attachments
        ],
        outcome=outcome,
        reason=reason[:500],
    )


def _store_refused(raw: bytes, source: str, reason: str) -> IngestResult:
    """Keep a message that could not be filed, with why; a repeat is a duplicate."""
    try:
        head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0][:_HEADERS_ONLY]
        parsed = email_parse(head)
    except Exception:  # the reason is what matters now
        parsed = ParsedEmail()
    key = dedupe_key(parsed, raw)
    try:
        with transaction.atomic():
            if InboundEmail.objects.filter(dedupe_key=key).exists():
                return IngestResult(DUPLICATE)
            _store(raw, source, parsed, key, Outcome.REFUSED, reason)
    except Exception:  # even the database may be gone: report, never raise
        logger.exception("inbound email from %s could not be stored", source)
    return IngestResult(Outcome.REFUSED, reason=reason)
