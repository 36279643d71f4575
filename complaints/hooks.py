"""In-transaction hooks: how the rooms above the core take part in a case change.

The complaints core sits below `sla`, `followups` and `notifications`, so it
never imports them. Where a change must carry their work inside its own
transaction (start the clocks of a filed case, cancel the follow-ups of a
closed one, queue the customer's email in the outbox), the core runs a hook
and each room registers its part in its `AppConfig.ready()`:

    hooks.register(Hook.CASE_ROWS, plan_clocks)

Handlers run in registration order, inside the caller's transaction, and
their exceptions propagate (they roll the change back). `run` returns their
results, so a hook that asks something ("are follow-ups still scheduled?")
reads every room's answer. Reactions that may wait for the commit subscribe
to `complaints.events` instead.
"""

from collections.abc import Callable
from enum import StrEnum
from typing import Any


class Hook(StrEnum):
    CASE_FILING = "case_filing"
    """Before a new case is inserted: `case` (set derived fields on it)."""
    CASE_ROWS = "case_rows"
    """Rows a new case is filed with: `case` (unsaved). Return
    `{reverse relation name: [unsaved rows whose case is it]}`; the core
    writes them with the case and records them as all the case has."""
    CASE_FILED = "case_filed"
    """A case was inserted: `case`."""
    CASE_RETIMED = "case_retimed"
    """Priority, category or team changed: `case` (recompute deadlines)."""
    AWAITING_CHANGED = "awaiting_changed"
    """The case waits on the customer, or no longer: `case`, `awaiting`."""
    FIRST_RESPONSE = "first_response"
    """The first customer-facing reply: `case`, `at`."""
    STAGE_CHANGED = "stage_changed"
    """After a stage move: `case`, `before`, `after`."""
    FOLLOWUPS_SCHEDULED = "followups_scheduled"
    """Ask: does `case` have a scheduled follow-up? Return a bool."""
    FOLLOWUPS_CANCEL = "followups_cancel"
    """Cancel `case`'s scheduled follow-ups (`reason`, `by`); return how many."""
    OFFER_PROPOSED = "offer_proposed"
    """An offer is put to the customer to answer: `offer` (queue the email)."""
    CUSTOMER_MESSAGE = "customer_message"
    """Staff wrote to the customer: `case`, `message` (queue the email)."""
    CUSTOMER_LINK = "customer_link"
    """The case's links were renewed: `case`, `reason`; return whether emailed."""


Handler = Callable[..., Any]

_registry: dict[Hook, list[Handler]] = {hook: [] for hook in Hook}


def register(hook: Hook, handler: Handler) -> None:
    """Run `handler` whenever the core runs `hook`; registering twice is a no-op."""
    if handler not in _registry[hook]:
        _registry[hook].append(handler)


def unregister(hook: Hook, handler: Handler) -> None:
    """Stop running `handler` for `hook` (tests use it to clean up)."""
    if handler in _registry[hook]:
        _registry[hook].remove(handler)


def run(hook: Hook, **kwargs: Any) -> list[Any]:
    """Call every handler of `hook` with `kwargs`; return their results in order."""
    return [handler(**kwargs) for handler in list(_registry[hook])]
