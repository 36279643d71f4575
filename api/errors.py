"""One exception handler: every API error is application/problem+json (RFC 9457).

How domain refusals map to HTTP (documented in the schema's components):

- `ActionForbidden` → 403 (the caller's role may not do this, e.g. an agent
  handing a case to someone else: CONTRACT §9's hand-on rule);
- `InvalidInput` (a value out of `complaints.bounds`) → 422 with `errors`;
- `StaleVersion` → 412 (the `If-Match` tag, or the version read, is stale);
- `TransitionRefused` → 409 with `unmet`: every unmet prerequisite as
  `{"code", "message"}` (the message is `complaints.lifecycle.describe`'s wording);
- `OfferRefused`, `FollowUpRefused`, `RelationshipEndRefused` and any other
  `DomainError` → 422 with `errors` (field → messages) when what is missing is
  a field of the request (an amount, a currency, an outcome …), else 409 with
  `unmet` (the offer's status, the case's stage, consent …).
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from complaints.exceptions import (
    ActionForbidden,
    DomainError,
    InvalidInput,
    StaleVersion,
    TransitionRefused,
)
from complaints.lifecycle import describe

PROBLEM = "application/problem+json"
PROBLEM_BASE = "urn:redress:problem:"

# Codes a DomainError can name that are fields the caller sent: refusing them
# is a validation failure (422), not a conflict with the case's state (409).
INPUT_FIELDS = frozenset(
    {
        "amount",
        "currency",
        "kind",
        "channel",
        "outcome",
        "csat",
        "body",
        "visibility",
        "assignee",
        "owner",
        "team",
        "counter_request",
        "reason",
        "received_at",
        "a due time in the future",
    }
)
FIELD_ALIASES = {"a due time in the future": "due_at"}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than the server accepts."
    default_code = "payload_too_large"
    problem_type = "payload-too-large"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The case changed since you read it; fetch it again."
    default_code = "precondition_failed"
    problem_type = "stale-version"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"
    problem_type = "conflict"


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request cannot be processed."
    default_code = "unprocessable"
    problem_type = "unprocessable"


def problem(status_code: int, title: str, detail: str = "", **extra) -> Response:
    """Render a problem+json response."""
    kind = extra.pop("type", None)
    body = {
        "type": PROBLEM_BASE + kind if kind else "about:blank",
        "title": title,
        "status": status_code,
        "detail": detail or title,
        **extra,
    }
    return Response(body, status=status_code, content_type=PROBLEM)


def unmet(codes: list[str]) -> list[dict[str, str]]:
    """Pair each prerequisite code with its wording."""
    return [
        {"code": code, "message": message}
        for code, message in zip(codes, describe(codes), strict=True)
    ]


def _domain_problem(exc: DomainError) -> Response:
    if isinstance(exc, StaleVersion):
        return problem(
            412, exc.title, exc.detail, type="stale-version", version=exc.actual
        )
    if isinstance(exc, ActionForbidden):
        return problem(403, exc.title, exc.detail, type="forbidden")
    if isinstance(exc, TransitionRefused):
        return problem(
            409,
            exc.title,
            exc.detail,
            type="transition-refused",
            unmet=unmet(exc.missing),
        )
    slug = exc.title.lower().replace(" ", "-")
    if isinstance(exc, InvalidInput) or (
        exc.missing and set(exc.missing) <= INPUT_FIELDS
    ):
        errors = {FIELD_ALIASES.get(code, code): [exc.detail] for code in exc.missing}
        return problem(422, exc.title, exc.detail, type=slug, errors=errors)
    return problem(409, exc.title, exc.detail, type=slug, unmet=unmet(exc.missing))


def problem_exception_handler(exc, context):
    """Turn any exception DRF sees into problem+json; None lets a 500 through."""
    if isinstance(exc, DomainError):
        return _domain_problem(exc)
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    return _reshape(exc, response)


def _reshape(exc: exceptions.APIException, response: Response) -> Response:
    data = response.data
    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        title = "Invalid request"
        detail = "One or more fields are invalid."
        extra["errors"] = data if isinstance(data, dict) else {"non_field_errors": data}
        extra["type"] = "invalid-request"
    else:
        title = str(exc.default_detail)
        detail = data.get("detail", title) if isinstance(data, dict) else str(data)
        if getattr(exc, "problem_type", None):
            extra["type"] = exc.problem_type
    result = problem(response.status_code, title, str(detail), **extra)
    for header, value in response.items():
        if header.lower() != "content-type":
            result[header] = value
    if getattr(exc, "retry_after", None):
        result["Retry-After"] = str(exc.retry_after)
    return result


@csrf_exempt  # it only ever answers 404: an unknown route is that, whatever the method
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """A problem+json 404 for paths under /api/ that match no route."""
    body = {
        "type": "about:blank",
        "title": "Not found.",
        "status": 404,
        "detail": f"No API route matches {request.path}.",
    }
    return JsonResponse(body, status=404, content_type=PROBLEM)


def csrf_problem(request: HttpRequest, reason: str = "") -> JsonResponse:
    """A problem+json 403 for a browser session that sent no valid CSRF token."""
    body = {
        "type": PROBLEM_BASE + "csrf-failed",
        "title": "CSRF verification failed.",
        "status": 403,
        "detail": f"CSRF Failed: {reason or 'no valid token'}. Send the csrftoken "
        "cookie's value in the X-CSRFToken header.",
    }
    return JsonResponse(body, status=403, content_type=PROBLEM)
