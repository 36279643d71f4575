"""Send a letter: render or take the text, check what the regime requires, keep
it exactly as sent, email it to the customer, and move the statutory clocks.

One path for every caller (API, pages): `letter_send`. A final response with an
outcome meets the final clock and opens the ombudsman referral window (FCA:
six months from the date of the letter, DISP 1.6.2R / DISP 1 Annex 3R); a
holding reply under `fca_payments` moves the final clock to 35 business days
(DISP 1.6.2AR) when sent in time; a summary resolution is refused once its
window (the third business day after receipt, DISP 1.5.1R) has closed.
"""

import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from complaints.actors import Actor, as_actor
from complaints.exceptions import DomainError
from complaints.links import status_url
from complaints.models import Case, EventKind
from complaints.timeline import record_event
from complaints.versions import case_lock
from notifications.outbox import outbox_enqueue_on_commit
from notifications.services import email_queue

from .clocks import RegimeCalendar, add_months
from .letters import letter_missing, letter_pdf, letter_render, letter_spec, text_hash
from .models import Letter, LetterKind, Outcome, StatutoryDeadline
from .selectors import regime_of_case
from .services import clock_reschedule, clock_spec, next_check

DATE = "%d %B %Y"


class LetterRefused(DomainError):
    """A letter lacks contents its regime requires (`missing` names them)."""

    title = "Letter refused"


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

    Without `body` the regime's template is rendered. Raises LetterRefused with
    the missing content codes, DomainError for an unknown kind or outcome, a
    regime without this letter, or a closed summary-resolution window.
    """
    actor = as_actor(by)
    now = timezone.now()
    if kind not in LetterKind.values:
        raise DomainError(f"Unknown letter kind {kind!r}.", ["kind"])
    if outcome and outcome not in Outcome.values:
        raise DomainError(f"Unknown outcome {outcome!r}.", ["outcome"])
    case = case_lock(case, related=["customer"])
    regime = regime_of_case(case, at=now)
    spec = letter_spec(regime, kind) if regime else None
    if spec is None:
        raise DomainError(f"The {case.regime} regime has no {kind} letter.", ["kind"])
    clocks = {
        row.kind: row
        for row in StatutoryDeadline.objects.select_for_update()
        .select_related("regime")
        .filter(case=case)
    }
    window = clocks.get(LetterKind.SUMMARY_RESOLUTION)
    if kind == LetterKind.SUMMARY_RESOLUTION and window and window.due_at < now:
        raise DomainError(
            "The summary resolution window has closed; send a final response.",
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
    missing = letter_missing(spec, text, outcome=outcome)
    if missing:
        raise LetterRefused(
            f"The letter lacks what the {regime.code} regime requires: "
            + ", ".join(missing),
            missing,
        )
    title = f"{case.reference} {LetterKind(kind).label}"
    pdf = letter_pdf(text=text, title=title)
    letter = Letter(
        case=case,
        regime=regime,
        kind=kind,
        outcome=outcome or "",
        body=text,
        sha256=text_hash(text),
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest() if pdf else "",
        to=case.customer.email or "",
        sent_at=now,
        sent_by=actor.user,
        sent_by_label=actor.label,
        referral_window_ends=referral_ends,
    )
    letter.save(force_insert=True)
    _move_clocks(case, regime, clocks, letter, now)
    record_event(
        case,
        EventKind.LETTER_SENT,
        by=actor,
        letter=letter.pk,
        kind=kind,
        outcome=outcome or None,
        sha256=letter.sha256,
    )
    if letter.to:
        outbox = email_queue(
            to=letter.to,
            template="customer_letter",
            key=f"letter:{letter.pk}",
            context={"letter": letter, "title": title, "status_url": status_url(case)},
            case=case,
        )
        outbox_enqueue_on_commit([outbox])
    return letter


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
