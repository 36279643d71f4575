"""Email out (the backend, the sender) and email in (replies, the inbound
webhook and IMAP)."""

from .base import VAR_DIR, env

# Email: EMAIL_URL, or files under var/mail/ by default so the demo shows them.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
    )
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Redress <care@localhost>")
# Email in (CONTRACT §12): customers reply to REPLY_TO_ADDRESS plus-tagged with
# the case reference; POST /inbound/email/ needs INBOUND_EMAIL_TOKEN (unset: 403);
# beat polls INBOUND_IMAP_URL (imaps://user:password@host/FOLDER) when it is set.
REPLY_TO_ADDRESS = env.str("REPLY_TO_ADDRESS", default="care@localhost")
INBOUND_EMAIL_TOKEN = env.str("INBOUND_EMAIL_TOKEN", default="")
INBOUND_EMAIL_MAX_BYTES = env.int("INBOUND_EMAIL_MAX_BYTES", default=25 * 1024 * 1024)
INBOUND_EMAIL_RATE_LIMIT = env.int("INBOUND_EMAIL_RATE_LIMIT", default=20)
INBOUND_IMAP_URL = env.str("INBOUND_IMAP_URL", default="")
# Emails to customers render from the templates managers edit in the admin.
CUSTOMER_EMAIL_RENDERER = "mail.outbound.customer_email_render"
INBOUND_IMAP_EVERY = env.float("INBOUND_IMAP_EVERY", default=60.0)
# Providers' inbound webhooks (django-anymail) at /inbound/anymail/<esp>/inbound/;
# unset, they take nothing. Signature keys per provider go in ANYMAIL too.
ANYMAIL = {"WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default="")}
