"""The case lifecycle: the only code that changes `Case.stage` or an offer's status.

- `transition(case, to, by=…, **fields)` — every stage move (forward, skip,
  reopen, close), see `rules` for the table and its prerequisites;
- `offer_make`, `offer_approve`, `offer_reject`, `offer_accept`,
  `offer_decline`, `offer_counter`, `offer_withdraw`, `offer_fulfil`.
"""

from .offers import (
    offer_accept,
    offer_approve,
    offer_counter,
    offer_decline,
    offer_fulfil,
    offer_make,
    offer_reject,
    offer_withdraw,
)
from .rules import LABELS, describe, has_accepted_resolution
from .stages import transition
from .terms import above_limit

__all__ = [
    "LABELS",
    "above_limit",
    "describe",
    "has_accepted_resolution",
    "offer_accept",
    "offer_approve",
    "offer_counter",
    "offer_decline",
    "offer_fulfil",
    "offer_make",
    "offer_reject",
    "offer_withdraw",
    "transition",
]
