"""One exception handler: every API error is application/problem+json (RFC 9457)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from complaints.exceptions import (
    DomainError,
    StaleVersion,
    TransitionRefused,
)

PROBLEM = "application/problem+json"


def problem(status_code: int, title: str, detail: str = "", **extra) -> Response:
    body = {
        "type": extra.pop("type", "about:blank"),
        "title": title,
        "status": status_code,
        "detail": detail or title,
        **extra,
    }
    return Response(body, status=status_code, content_type=PROBLEM)


def problem_exception_handler(exc, context):
    if isinstance(exc, StaleVersion):
        return problem(status.HTTP_412_PRECONDITION_FAILED, exc.title, exc.detail)
    if isinstance(exc, TransitionRefused):
        return problem(
            status.HTTP_409_CONFLICT, exc.title, exc.detail, unmet=exc.missing
        )
    if isinstance(exc, DomainError):
        return problem(
            status.HTTP_409_CONFLICT, exc.title, exc.detail, unmet=exc.missing
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        title = "Invalid request"
        detail = "One or more fields are invalid."
        extra["errors"] = data if isinstance(data, dict) else {"non_field_errors": data}
    else:
        title = getattr(exc, "default_detail", "Error")
        detail = data.get("detail", title) if isinstance(data, dict) else str(data)
    result = problem(response.status_code, str(title), str(detail), **extra)
    for header, value in response.items():
        if header.lower() != "content-type":
            result[header] = value
    return result
