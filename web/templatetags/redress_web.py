"""Template helpers for the agents' pages: timeline wording, stage names.

Filters return plain strings, so Django's auto-escaping still applies.
"""

from typing import Any

from django import template

from complaints.models import CloseReason, EventKind, Stage
from complaints.money import money_text

register = template.Library()


@register.filter
def stage_label(value: Any) -> str:
    return Stage(value).label if value in Stage.values else str(value or "")


@register.filter
def event_text(event) -> str:
    """One line for a timeline event: what happened, before → after, and details."""
    kind = event.kind
    text = EventKind(kind).label if kind in EventKind.values else kind.replace("_", " ")
    data = event.data or {}
    if event.kind == "stage_changed":
        text = f"moved the case from {stage_label(event.before)} to {stage_label(event.after)}"
        if data.get("move") == "skip":
            text += f" (skipped steps: {data.get('skip_reason', '')})"
        if data.get("move") == "reopen":
            text += f" (reopened: {data.get('reason', '')})"
        if data.get("close_reason") in CloseReason.values:
            text += f" — {CloseReason(data['close_reason']).label.lower()}"
    elif event.kind == "assigned":
        text = f"assigned it to {event.after or 'nobody'}" + (
            f" (was {event.before})" if event.before else ""
        )
    elif event.kind == "case_edited" and isinstance(event.after, dict):
        text = "edited " + ", ".join(k.replace("_", " ") for k in event.after)
    elif event.kind == "message_added" and data.get("message_kind") == "from_customer":
        text = "wrote to us"
    elif event.kind == "message_added":
        who = (
            "an internal note"
            if data.get("visibility") == "internal"
            else "a message to the customer"
        )
        text = f"added {who}" + (
            " despite the pitch warning" if data.get("pitch_warning") else ""
        )
    elif event.kind.startswith("offer_"):
        money = (
            f" {money_text(data['amount'], data.get('currency'))}"
            if data.get("amount")
            else ""
        )
        kind = str(data.get("kind", "")).replace("_", " ")
        text += f": {kind}{money}"
        if data.get("counter_request"):
            text += f" — asked for: {data['counter_request']}"
        if data.get("note"):
            text += f" — {data['note']}"
    elif event.kind == "followup_completed":
        text += f": {data.get('outcome', '')}" + (
            f", satisfaction {data['csat']}/5" if data.get("csat") else ""
        )
    elif event.kind == "escalated":
        text = f"escalated to level {event.after}" + (
            f" ({data['reason']})" if data.get("reason") else ""
        )
    elif event.kind == "awaiting_customer":
        text = (
            "now waiting on the customer"
            if event.after
            else "stopped waiting on the customer"
        )
    return text


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None
