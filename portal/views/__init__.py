"""Views of the customer portal: parse, open the signed link, call one service, render."""

from .attachments import attachment_get, attachment_send
from .common import csrf_failure
from .complain import complain, thanks
from .incident import incident_status
from .status import consent, letter_download, message_send, offer_answer, status
from .survey import survey

__all__ = [
    "attachment_get",
    "attachment_send",
    "complain",
    "csrf_failure",
    "consent",
    "letter_download",
    "incident_status",
    "message_send",
    "offer_answer",
    "status",
    "survey",
    "thanks",
]
