"""The dashboards' stored figures: per-case durations and the rollup tables.

- `durations`: `CaseDurations` (business-hours times per case) and
  `RefreshMark` (when a background refresh last ran);
- `rollups`: the daily and monthly rollup tables and `CaseFootprint`;
- `measures`: the names of the rollups' measure columns.
"""

from .durations import CaseDurations, RefreshMark
from .rollups import AgentFacts, CaseFootprint, CauseFacts, DayFacts, OfferFacts, Span

__all__ = [
    "AgentFacts",
    "CaseDurations",
    "CaseFootprint",
    "CauseFacts",
    "DayFacts",
    "OfferFacts",
    "RefreshMark",
    "Span",
]
