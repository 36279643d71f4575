"""Standard Webhooks secrets and signatures.

A secret is `whsec_` + base64 of 32 random bytes. A signature is `v1,` + base64
of HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}` keyed with the
decoded bytes after `whsec_`; several are sent space-separated while an old
secret is still valid after a rotation.
"""

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
SECRET_BYTES = 32


def secret_new() -> str:
    """Return a fresh random secret in the `whsec_…` form."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def sign(secret: str, *, msg_id: str, timestamp: int, body: str) -> str:
    """Return `v1,<base64 signature>` of the message under `secret`."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{msg_id}.{timestamp}.{body}".encode()
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(
    secrets_: list[str], *, msg_id: str, timestamp: int, body: str
) -> str:
    """The `webhook-signature` value: one signature per valid secret."""
    return " ".join(
        sign(secret, msg_id=msg_id, timestamp=timestamp, body=body)
        for secret in secrets_
    )
