"""The edge of /api/: every error is problem+json and no response is stored by caches.

DRF's exception handler (`api.errors`) shapes the errors of API views. Some
errors under /api/ are answered before or after DRF by Django itself: a bad
Host header, a CSRF refusal of a plain view, a crash rendered by `handler500`.
This middleware, first in `MIDDLEWARE`, turns any such error into a problem so
clients never have to parse an HTML page, and marks every API response
`Cache-Control: no-store` (they carry personal data and per-caller views).
"""

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse

from .errors import PROBLEM

API_PREFIX = "/api/"

# Headers of the original error that still mean something on the problem.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary")

DETAILS = {
    400: "The request could not be understood.",
    403: "You may not do this.",
    404: "Nothing here matches the request.",
    405: "This route does not accept that method.",
    413: "The request body is larger than the server accepts.",
    500: "The server failed to answer; the error is logged.",
}


def is_api_request(request: HttpRequest) -> bool:
    """Whether the request addresses the API (everything under /api/)."""
    return (request.path_info + "/").startswith(API_PREFIX)


def is_problem(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith(PROBLEM)


def problem_for(response: HttpResponse, request: HttpRequest) -> JsonResponse:
    """A problem+json answer with the status (and meaningful headers) of `response`."""
    status = response.status_code
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    detail = DETAILS.get(status, title)
    if status == 404:
        detail = f"No API route matches {request.path}."
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    result = JsonResponse(body, status=status, content_type=PROBLEM)
    for header in KEPT_HEADERS:
        if header in response:
            result[header] = response[header]
    return result


class ApiEdgeMiddleware:
    """Problem+json for every API error Django answered itself; no-store on all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api_request(request):
            return response
        if response.status_code >= 400 and not is_problem(response):
            response = problem_for(response, request)
        response["Cache-Control"] = "no-store"
        return response
