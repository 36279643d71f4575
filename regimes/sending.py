"""Send a letter: render or take the text, check what the regime requires, keep
it exactly as sent, email it to the customer (and their representative, as
recorded), and move the statutory clocks.

One path for every caller (API, pages): `letter_send`; `letter_draft` is the
same rendering and checking without a write (the preview). A letter that four
eyes apply to (`regimes.four_eyes`) goes only with an approval of its exact
text (`regimes.approvals`). A final response with an
outcome meets the final clock and opens the ombudsman referral window (FCA:
six months from the date of the letter, DISP 1.6.2R / DISP 1 Annex 3R); a
holding reply under `fca_payments` moves the final clock to 35 business days
(DISP 1.6.2AR) when sent in time; a summary resolution is refused once its
window (the third business day after receipt, DISP 1.5.1R) has closed.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from complaints.actors import Actor, as_actor
from complaints.exceptions import DomainError
from complaints.links import status_url
from complaints.models import Case, EventKind
from complaints.timeline import record_event
from complaints.versions import case_lock
from customers.models import Customer, LetterCopy
from customers.selectors import representative_of
from notifications.outbox import outbox_enqueue_on_commit
from notifications.services import email_queue

from .clocks import RegimeCalendar, add_months
from .four_eyes import four_eyes_reasons
from .letters import letter_missing, letter_pdf, letter_render, letter_spec, text_hash
from .models import (
    ApprovalStatus,
    Letter,
    LetterApproval,
    LetterKind,
    Outcome,
    Regime,
    StatutoryDeadline,
)
from .selectors import regime_of_case
from .services import clock_reschedule, clock_spec, next_check

DATE = "%d %B %Y"


class LetterRefused(DomainError):
    """A letter lacks contents its regime requires (`missing` names them)."""

    title = "Letter refused"


class ApprovalRequired(DomainError):
    """Four eyes apply and nobody else approved this exact text (`missing`)."""

    title = "Approval required"


@dataclass
class Draft:
    """A letter as it would be sent now: its text and what stands in its way."""

    regime: Regime
    kind: str
    outcome: str
    text: str
    missing: list[str]
    approval_reasons: list[str]
    referral_ends: datetime | None = None
    clocks: dict = field(default_factory=dict)


def _kind_word(kind: str) -> str:
    """The letter kind as a refusal names it (its label)."""
    return str(LetterKind(kind).label)


def letter_draft(
    *,
    case: Case,
    kind: str,
    body: str | None = None,
    outcome: str | None = None,
    now: datetime | None = None,
    lock: bool = False,
) -> Draft:
    """The letter of `kind` as it would go now (rendered unless `body`), with
    the contents it lacks and why it needs a second approval; writes nothing.

    Raises DomainError for an unknown kind or outcome, a regime without this
    letter, or a closed summary-resolution window.
    """
    now = now or timezone.now()
    if kind not in LetterKind.values:
        raise DomainError(
            gettext("Unknown letter kind %(kind)r.") % {"kind": kind}, ["kind"]
        )
    if outcome and outcome not in Outcome.values:
        raise DomainError(
            gettext("Unknown outcome %(outcome)r.") % {"outcome": outcome}, ["outcome"]
        )
    regime = regime_of_case(case, at=now)
    spec = letter_spec(regime, kind) if regime else None
    if spec is None:
        raise DomainError(
            gettext("The %(regime)s regime has no “%(kind)s” letter.")
            % {"regime": case.regime, "kind": _kind_word(kind)},
            ["kind"],
        )
    rows = StatutoryDeadline.objects.select_related("regime").filter(case=case)
    clocks = {row.kind: row for row in (rows.select_for_update() if lock else rows)}
    window = clocks.get(LetterKind.SUMMARY_RESOLUTION)
    if kind == LetterKind.SUMMARY_RESOLUTION and window and window.due_at < now:
        raise DomainError(
            gettext("The summary resolution window has closed; send a final response."),
            ["summary_resolution_window"],
        )
    referral_ends = None
    if kind == LetterKind.FINAL_RESPONSE and outcome and regime.referral_window_months:
        referral_ends = add_months(
            now, regime.referral_window_months, RegimeCalendar.of(regime)
        )
    if body is None or not body.strip():
        context = _context(case, regime, clocks, outcome, referral_ends, now)
        text = letter_render(spec.get("template", ""), context)
    else:
        text = body.strip()
    return Draft(
        regime=regime,
        kind=kind,
        outcome=outcome or "",
        text=text,
        missing=letter_missing(spec, text, outcome=outcome),
        approval_reasons=four_eyes_reasons(
            case=case, regime=regime, kind=kind, outcome=outcome
        ),
        referral_ends=referral_ends,
        clocks=clocks,
    )


def draft_check(draft: Draft) -> None:
    """Raise LetterRefused when the draft lacks what its regime requires."""
    if draft.missing:
        raise LetterRefused(
            gettext("The letter lacks what the %(regime)s regime requires: %(missing)s")
            % {"regime": draft.regime.code, "missing": ", ".join(draft.missing)},
            draft.missing,
        )


@transaction.atomic
def letter_send(
    *,
    case: Case,
    kind: str,
    by: Actor | Any,
    body: str | None = None,
    outcome: str | None = None,
) -> Letter:
    """Send a letter of `kind` on the case, exactly once as checked and kept.

    Without `body` the regime's template is rendered. It goes to the customer,
    and to their representative as their `receives_letters` says (a copy, or
    instead). Raises LetterRefused with the missing content codes,
    ApprovalRequired when four eyes apply and this exact text was not
    approved, DomainError as `letter_draft` does.
    """
    actor = as_actor(by)
    now = timezone.now()
    case = case_lock(case, related=["customer"])
    draft = letter_draft(
        case=case, kind=kind, body=body, outcome=outcome, now=now, lock=True
    )
    draft_check(draft)
    approval = approved_for(case=case, draft=draft)
    to, copy_to = letter_recipients(case.customer)
    title = f"{case.reference} {LetterKind(kind).label}"
    pdf = letter_pdf(text=draft.text, title=title)
    letter = Letter(
        case=case,
        regime=draft.regime,
        kind=kind,
        outcome=draft.outcome,
        body=draft.text,
        sha256=text_hash(draft.text),
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest() if pdf else "",
        to=to,
        copy_to=copy_to,
        sent_at=now,
        sent_by=actor.user,
        sent_by_label=actor.label,
        referral_window_ends=draft.referral_ends,
    )
    letter.save(force_insert=True)
    if approval is not None:
        approval.status, approval.letter = ApprovalStatus.SENT, letter
        approval.save(update_fields=["status", "letter"])
    _move_clocks(case, draft.regime, draft.clocks, letter, now)
    record_event(
        case,
        EventKind.LETTER_SENT,
        by=actor,
        letter=letter.pk,
        kind=kind,
        outcome=outcome or None,
        sha256=letter.sha256,
        approval=approval.pk if approval else None,
    )
    _mail(case, letter, title)
    return letter


def approved_for(*, case: Case, draft: Draft) -> LetterApproval | None:
    """The approval of exactly this text (locked), if any; raise ApprovalRequired
    when four eyes apply and there is none."""
    approval = (
        LetterApproval.objects.select_for_update()
        .filter(
            case=case,
            kind=draft.kind,
            outcome=draft.outcome,
            sha256=text_hash(draft.text),
            status=ApprovalStatus.APPROVED,
        )
        .order_by("-decided_at", "-id")
        .first()
    )
    if approval is None and draft.approval_reasons:
        raise ApprovalRequired(
            gettext(
                "This letter needs a second person's approval before it is sent "
                "(%(reasons)s): ask for approval, then send the approved text."
            )
            % {
                "reasons": ", ".join(
                    r.replace("_", " ") for r in draft.approval_reasons
                )
            },
            ["approval", *draft.approval_reasons],
        )
    return approval


def letter_recipients(customer: Customer) -> tuple[str, str]:
    """(to, copy_to): the customer, and their representative as they asked."""
    rep = representative_of(customer)
    wants = rep.receives_letters if rep and rep.email else LetterCopy.NO
    if wants == LetterCopy.INSTEAD:
        return rep.email, ""
    return customer.email or "", rep.email if wants == LetterCopy.COPY else ""


def _mail(case: Case, letter: Letter, title: str) -> None:
    """Queue the letter to the customer (with their status link) and the copy."""
    rows = []
    for to, key, link in (
        (letter.to, f"letter:{letter.pk}", True),
        (letter.copy_to, f"letter:{letter.pk}:copy", False),
    ):
        if not to:
            continue
        # Only the customer's own address gets their status link; a
        # representative receiving instead gets it as the customer's agent.
        show_link = link and to == (case.customer.email or "")
        rows.append(
            email_queue(
                to=to,
                template="customer_letter",
                key=key,
                context={
                    "letter": letter,
                    "title": title,
                    "status_url": status_url(case) if show_link else "",
                },
                case=case,
            )
        )
    if rows:
        outbox_enqueue_on_commit(rows)


def _move_clocks(case, regime, clocks, letter, now) -> None:
    """Meet the clocks this letter meets; a timely holding reply extends those
    that say so (`extended: {"by": "holding", …}`)."""
    for row in clocks.values():
        if row.met_at is not None:
            continue
        spec = clock_spec(row.regime, row.kind) or {}
        met_by = spec.get("met_by", [])
        if letter.kind in met_by and (
            letter.kind != LetterKind.FINAL_RESPONSE or letter.outcome
        ):
            row.met_at, row.met_by = now, letter.kind
            row.next_check_at = next_check(row)
            row.save()
            continue
        extended = spec.get("extended")
        if extended and extended.get("by") == letter.kind and row.due_at >= now:
            clock_reschedule(row, {**spec, **extended}, case.received_at, now)
            row.save()


def _context(case, regime, clocks, outcome, referral_ends, now) -> dict[str, Any]:
    zone = RegimeCalendar.of(regime).zone
    final = clocks.get("final_response")
    return {
        "case": case,
        "reference": case.reference,
        "customer_name": case.customer.name,
        "firm": getattr(settings, "FIRM_NAME", "") or "Redress",
        "today": now.astimezone(zone).strftime(DATE),
        "received": case.received_at.astimezone(zone).strftime(DATE)
        if case.received_at
        else "",
        "final_due": final.due_at.astimezone(zone).strftime(DATE) if final else "",
        "outcome": outcome or "",
        "outcome_label": Outcome(outcome).label.lower() if outcome else "",
        "resolution": case.resolution_summary,
        "referral_window_ends": referral_ends.astimezone(zone).strftime(DATE)
        if referral_ends
        else "",
    }
