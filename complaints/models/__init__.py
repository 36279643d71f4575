"""Complaint cases and what hangs off them: messages, offers, the timeline.

Only `complaints.lifecycle` changes `Case.stage` or `Offer.status`; everything
else writes through `complaints.services`.
"""

from .case import (
    Case,
    Category,
    Message,
    MessageKind,
    ReferenceCounter,
    RootCause,
    Visibility,
)
from .choices import OPEN_STAGES, STAGE_ORDER, Channel, CloseReason, Priority, Stage
from .offers import (
    MONETARY_KINDS,
    MONEYLESS_KINDS,
    Offer,
    OfferKind,
    OfferLimit,
    OfferStatus,
)
from .timeline import APPEND_ONLY, Event, EventKind, EventQuerySet

__all__ = [
    "APPEND_ONLY",
    "MONETARY_KINDS",
    "MONEYLESS_KINDS",
    "OPEN_STAGES",
    "STAGE_ORDER",
    "Case",
    "Category",
    "Channel",
    "CloseReason",
    "Event",
    "EventKind",
    "EventQuerySet",
    "Message",
    "MessageKind",
    "Offer",
    "OfferKind",
    "OfferLimit",
    "OfferStatus",
    "Priority",
    "ReferenceCounter",
    "RootCause",
    "Stage",
    "Visibility",
]
