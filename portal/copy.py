"""The words a customer reads for our internal states: stages, offers, closes.

Kept in one place so the tone stays the same across pages and mails: plain,
warm, and never our jargon ("acknowledged", "countered", "SLA").
"""

from complaints.models import CloseReason, OfferKind, OfferStatus, Stage

# (stage, step title, what it means while it is the current step)
STEPS: tuple[tuple[str, str, str], ...] = (
    (
        Stage.NEW,
        "We've received your complaint",
        "It's safely with us and will be passed to the right person shortly.",
    ),
    (
        Stage.LISTENING,
        "We're listening",
        "Someone is reading everything you told us, so we understand it properly. "
        "They may write to check a detail with you.",
    ),
    (
        Stage.ACKNOWLEDGED,
        "We've replied to you",
        "We've written to say sorry and to ask what would put this right for you.",
    ),
    (
        Stage.RESOLVING,
        "Agreeing how to put it right",
        "We're working out, with you, what we'll do about it.",
    ),
    (
        Stage.RESOLVED,
        "Put right",
        "We've done what we agreed.",
    ),
    (
        Stage.FOLLOWING_UP,
        "Checking in with you",
        "We'll get in touch later on to make sure everything is still right.",
    ),
)

CLOSE_NOTES: dict[str, str] = {
    CloseReason.SATISFIED: "This complaint is closed. Thank you for giving us the "
    "chance to put it right.",
    CloseReason.UNSATISFIED: "This complaint is closed. We're sorry we couldn't "
    "put everything right this time.",
    CloseReason.NO_FOLLOW_UP: "This complaint is closed. Thank you for giving us "
    "the chance to put it right.",
    CloseReason.WITHDRAWN: "This complaint is closed because it was withdrawn.",
    CloseReason.DUPLICATE: "This complaint is closed because it's being handled "
    "together with another one you sent us.",
    CloseReason.RELATIONSHIP_ENDED: "This complaint is closed.",
}

OFFER_KINDS: dict[str, str] = {
    OfferKind.REFUND: "A full refund",
    OfferKind.PARTIAL_REFUND: "A partial refund",
    OfferKind.REPLACEMENT: "A replacement",
    OfferKind.REDO: "We'll do the work again",
    OfferKind.CREDIT: "Credit on your account",
    OfferKind.GOODWILL_GESTURE: "A gesture of goodwill",
    OfferKind.APOLOGY_ONLY: "Our apology",
    OfferKind.OTHER: "Our suggestion",
}

OFFER_STATUSES: dict[str, str] = {
    OfferStatus.PROPOSED: "Waiting for your answer",
    OfferStatus.ACCEPTED: "You accepted this",
    OfferStatus.FULFILLED: "Done",
    OfferStatus.DECLINED: "You said no to this",
    OfferStatus.COUNTERED: "You asked for something else",
    OfferStatus.WITHDRAWN: "No longer on offer",
}
