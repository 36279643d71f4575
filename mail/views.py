"""`POST /inbound/email/`: one raw message from a mail gateway (CONTRACT §12).

The view checks the bearer token (constant-time), the content type and the
size, then hands the bytes to the one ingest service. Errors are
`application/problem+json`.
"""

import hmac

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .services import inbound_email_ingest

CONTENT_TYPES = ("message/rfc822",)
_READ_CHUNK = 64 * 1024


@csrf_exempt
@require_POST
def inbound_email(request: HttpRequest) -> JsonResponse:
    """File one message; answer `{"outcome", "reference"}`."""
    expected = settings.INBOUND_EMAIL_TOKEN
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        response = _problem(401, "Unauthorized", "Send Authorization: Bearer <token>.")
        response["WWW-Authenticate"] = 'Bearer realm="inbound-email"'
        return response
    if not expected or not hmac.compare_digest(
        token.strip().encode("utf-8", "surrogateescape"), expected.encode()
    ):
        return _problem(403, "Forbidden", "That token is not accepted.")
    if request.content_type not in CONTENT_TYPES:
        return _problem(
            415, "Unsupported Media Type", "Send Content-Type: message/rfc822."
        )
    limit = settings.INBOUND_EMAIL_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _problem(413, "Content Too Large", f"At most {limit} bytes.")
    raw = _read(request, limit)
    if raw is None:
        return _problem(413, "Content Too Large", f"At most {limit} bytes.")
    result = inbound_email_ingest(raw=raw, source="http")
    body = {"outcome": result.outcome, "reference": result.reference or None}
    if result.reason:
        body["reason"] = result.reason
    return JsonResponse(body, status=201 if result.outcome == "created" else 200)


def _read(request: HttpRequest, limit: int) -> bytes | None:
    """The body, read past Django's in-memory cap but never past `limit`."""
    chunks, size = [], 0
    while True:
        chunk = request.read(_READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)


def _problem(status: int, title: str, detail: str) -> JsonResponse:
    return JsonResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
    )
