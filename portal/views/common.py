"""What every portal page shares: the friendly 404 for a bad link, the rate limit."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..guards import rate_limit_hit


def link_invalid(request: HttpRequest) -> HttpResponse:
    """A 404 that explains, kindly, that the link is not valid (and shows nothing else)."""
    return render(request, "portal/link_invalid.html", status=404)


def rate_limited(scope: str) -> Callable:
    """Answer 429 with a kind page once a client posts too often in `scope`."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST" and rate_limit_hit(
                scope=scope, request=request
            ):
                return render(request, "portal/slow_down.html", status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain a refused form in plain words (settings.CSRF_FAILURE_VIEW).

    Usually the page sat open for a long time or cookies are blocked; the
    technical reason is left out on purpose.
    """
    return render(request, "portal/csrf_failure.html", status=403)
