"""Inbound webhooks of email providers (django-anymail) feed the one ingest service.

Anymail checks each provider's authentication (basic auth WEBHOOK_SECRET,
signatures) and normalises the message; this receiver hands its bytes to
`inbound_email_ingest`. Without a WEBHOOK_SECRET nothing is taken: anymail
would otherwise accept unauthenticated posts.
"""

import logging
from typing import Any

from django.conf import settings

from .services import inbound_email_ingest

logger = logging.getLogger(__name__)


def anymail_inbound_received(
    sender: Any, event: Any, esp_name: str, **kwargs: Any
) -> None:
    """Receiver of `anymail.signals.inbound`: ingest the message it carries."""
    if not (getattr(settings, "ANYMAIL", {}) or {}).get("WEBHOOK_SECRET"):
        logger.warning(
            "inbound %s webhook ignored: ANYMAIL_WEBHOOK_SECRET unset", esp_name
        )
        return
    message = event.message
    if message is None:
        return
    try:
        raw = message.as_bytes()
    except Exception:  # a message the serializer cannot write back out
        raw = str(message).encode("utf-8", "surrogateescape")
    result = inbound_email_ingest(raw=raw, source=f"anymail:{esp_name}")
    logger.info("inbound %s email: %s", esp_name, result.line())
