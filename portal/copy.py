"""The words a customer reads for our internal states: stages, offers, closes.

Kept in one place so the tone stays the same across pages and mails: plain,
warm, and never our jargon ("acknowledged", "countered", "SLA").
"""

from django.utils.translation import gettext_lazy as _

from complaints.models import CloseReason, OfferKind, OfferStatus, Stage

# (stage, step title, what it means while it is the current step)
STEPS: tuple[tuple[str, str, str], ...] = (
    (
        Stage.NEW,
        _("We've received your complaint"),
        _("It's safely with us and will be passed to the right person shortly."),
    ),
    (
        Stage.LISTENING,
        _("We're listening"),
        _(
            "Someone is reading everything you told us, so we understand it properly. "
            "They may write to check a detail with you."
        ),
    ),
    (
        Stage.ACKNOWLEDGED,
        _("We've replied to you"),
        _("We've written to say sorry and to ask what would put this right for you."),
    ),
    (
        Stage.RESOLVING,
        _("Agreeing how to put it right"),
        _("We're working out, with you, what we'll do about it."),
    ),
    (
        Stage.RESOLVED,
        _("Put right"),
        _("We've done what we agreed."),
    ),
    (
        Stage.FOLLOWING_UP,
        _("Checking in with you"),
        _("We'll get in touch later on to make sure everything is still right."),
    ),
)

CLOSE_NOTES: dict[str, str] = {
    CloseReason.SATISFIED: _(
        "This complaint is closed. Thank you for giving us the chance to put it right."
    ),
    CloseReason.UNSATISFIED: _(
        "This complaint is closed. We're sorry we couldn't "
        "put everything right this time."
    ),
    CloseReason.NO_FOLLOW_UP: _(
        "This complaint is closed. Thank you for giving us the chance to put it right."
    ),
    CloseReason.WITHDRAWN: _("This complaint is closed because it was withdrawn."),
    CloseReason.DUPLICATE: _(
        "This complaint is closed because it's being handled "
        "together with another one you sent us."
    ),
    CloseReason.RELATIONSHIP_ENDED: _("This complaint is closed."),
}

OFFER_KINDS: dict[str, str] = {
    OfferKind.REFUND: _("A full refund"),
    OfferKind.PARTIAL_REFUND: _("A partial refund"),
    OfferKind.REPLACEMENT: _("A replacement"),
    OfferKind.REDO: _("We'll do the work again"),
    OfferKind.CREDIT: _("Credit on your account"),
    OfferKind.GOODWILL_GESTURE: _("A gesture of goodwill"),
    OfferKind.APOLOGY_ONLY: _("Our apology"),
    OfferKind.OTHER: _("Our suggestion"),
}

OFFER_STATUSES: dict[str, str] = {
    OfferStatus.PROPOSED: _("Waiting for your answer"),
    OfferStatus.ACCEPTED: _("You accepted this"),
    OfferStatus.FULFILLED: _("Done"),
    OfferStatus.DECLINED: _("You said no to this"),
    OfferStatus.COUNTERED: _("You asked for something else"),
    OfferStatus.WITHDRAWN: _("No longer on offer"),
}
