"""Mail that must never file a case: auto-replies, bounces, lists, our own mail, loops."""

from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone

from .parsing import ParsedEmail

RATE_WINDOW = timedelta(hours=1)


def own_addresses() -> set[str]:
    """Redress's own addresses: mail from them is our own mail coming back."""
    found = set()
    for value in (settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL, reply_address()):
        address = parseaddr(value or "")[1].strip().lower()
        if "@" in address:
            found.add(address)
    return found


def reply_address() -> str:
    return (getattr(settings, "REPLY_TO_ADDRESS", "") or "").strip()


def noise_reason(parsed: ParsedEmail) -> str:
    """Why this message is not a customer writing, or '' if it is."""
    headers = parsed.headers
    auto = headers.get("auto-submitted", "").split(";")[0].strip().lower()
    if auto and auto != "no":
        return f"auto-reply (Auto-Submitted: {auto})"
    for name in ("x-autoreply", "x-autorespond"):
        if headers.get(name):
            return f"auto-reply ({name})"
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"auto-reply (Precedence: {precedence})"
    if parsed.content_type == "multipart/report":
        return "bounce (delivery report)"
    local = parsed.sender.split("@")[0]
    if local in ("mailer-daemon", "postmaster") or headers.get("return-path") == "<>":
        return "bounce (from the mail system)"
    if headers.get("list-id"):
        return "mailing list (List-Id)"
    if headers.get("x-redress-key") or _is_own(parsed.sender):
        return "loop (from Redress's own address)"
    return ""


def over_rate(sender: str, *, recent: int) -> str:
    """'loop (…)' when the sender has sent too many messages lately, else ''."""
    limit = settings.INBOUND_EMAIL_RATE_LIMIT
    if limit and recent >= limit:
        return f"loop (more than {limit} messages from {sender} in an hour)"
    return ""


def rate_since():
    return timezone.now() - RATE_WINDOW


def _is_own(sender: str) -> bool:
    if not sender:
        return False
    own = own_addresses()
    if sender in own:
        return True
    local, _, domain = sender.partition("@")
    base = local.split("+")[0]
    return f"{base}@{domain}" in own
