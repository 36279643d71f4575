"""Template helpers for the agents' pages: timeline wording, stage names.

Filters return plain strings, so Django's auto-escaping still applies.
"""

from typing import Any

from django import template
from django.utils.translation import gettext as _

from complaints.models import CloseReason, EventKind, OfferKind, Stage
from complaints.money import money_text
from followups.models import Outcome

register = template.Library()


@register.filter
def stage_label(value: Any) -> str:
    return Stage(value).label if value in Stage.values else str(value or "")


@register.filter
def event_text(event) -> str:
    """One line for a timeline event: what happened, before → after, and details."""
    kind = event.kind
    text = (
        str(EventKind(kind).label)
        if kind in EventKind.values
        else kind.replace("_", " ")
    )
    data = event.data or {}
    if event.kind == "stage_changed":
        text = _("moved the case from %(before)s to %(after)s") % {
            "before": stage_label(event.before),
            "after": stage_label(event.after),
        }
        if data.get("move") == "skip":
            text += _(" (skipped steps: %(reason)s)") % {
                "reason": data.get("skip_reason", "")
            }
        if data.get("move") == "reopen":
            text += _(" (reopened: %(reason)s)") % {"reason": data.get("reason", "")}
        if data.get("close_reason") in CloseReason.values:
            text += f" — {CloseReason(data['close_reason']).label.lower()}"
    elif event.kind == "assigned":
        text = _("assigned it to %(after)s") % {"after": event.after or _("nobody")}
        if event.before:
            text += _(" (was %(before)s)") % {"before": event.before}
    elif event.kind == "case_edited" and isinstance(event.after, dict):
        text = _("edited %(fields)s") % {
            "fields": ", ".join(k.replace("_", " ") for k in event.after)
        }
    elif event.kind == "message_added" and data.get("message_kind") == "from_customer":
        text = _("wrote to us")
    elif event.kind == "message_added":
        internal = data.get("visibility") == "internal"
        if data.get("pitch_warning"):
            text = (
                _("added an internal note despite the pitch warning")
                if internal
                else _("added a message to the customer despite the pitch warning")
            )
        else:
            text = (
                _("added an internal note")
                if internal
                else _("added a message to the customer")
            )
    elif event.kind.startswith("offer_"):
        money = (
            f" {money_text(data['amount'], data.get('currency'))}"
            if data.get("amount")
            else ""
        )
        kind = data.get("kind", "")
        kind = (
            OfferKind(kind).label.lower()
            if kind in OfferKind.values
            else str(kind).replace("_", " ")
        )
        text = f"{text}: {kind}{money}"
        if data.get("counter_request"):
            text += _(" — asked for: %(request)s") % {
                "request": data["counter_request"]
            }
        if data.get("note"):
            text += f" — {data['note']}"
    elif event.kind == "followup_completed":
        outcome = data.get("outcome", "")
        outcome = (
            Outcome(outcome).label.lower() if outcome in Outcome.values else outcome
        )
        text = f"{text}: {outcome}"
        if data.get("csat"):
            text += _(", satisfaction %(csat)s/5") % {"csat": data["csat"]}
    elif event.kind == "escalated":
        text = _("escalated to level %(level)s") % {"level": event.after}
        if data.get("reason"):
            text += f" ({data['reason']})"
    elif event.kind == "awaiting_customer":
        text = (
            _("now waiting on the customer")
            if event.after
            else _("stopped waiting on the customer")
        )
    return text


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None
