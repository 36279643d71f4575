"""Error views Django calls by setting: each answers the API in problem+json, pages in HTML."""

from django.http import HttpRequest, HttpResponse

from api.errors import csrf_problem
from api.middleware import is_api_request
from portal.views import csrf_failure as csrf_failure_page


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Refuse a request without a valid CSRF token (settings.CSRF_FAILURE_VIEW)."""
    if is_api_request(request):
        return csrf_problem(request, reason)
    return csrf_failure_page(request, reason)
