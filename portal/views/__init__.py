"""Views of the customer portal: parse, open the signed link, call one service, render."""

from .complain import complain, thanks
from .status import consent, message_send, offer_answer, status
from .survey import survey

__all__ = [
    "complain",
    "consent",
    "message_send",
    "offer_answer",
    "status",
    "survey",
    "thanks",
]
