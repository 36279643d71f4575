"""The lean path of API calls made with a key: skip the browser's middleware.

A request under /api/ carrying `Authorization: Token …` is authenticated by
DRF against the key (`api.authentication`); it has no session cookie to load,
no flash messages and no htmx headers, and its JSON answer is no page whose
scripts a Content-Security-Policy would govern. (CSRF, clickjacking and
axes middleware stay: the deploy checks look for their own classes; DRF's
views are CSRF-exempt, so the CSRF middleware does little here.) Each class here wraps one and
passes those requests straight on, saving their work on the hottest path;
every other request (pages, session API calls from the browser) goes
through them as before. `request.user` is the anonymous user until DRF
authenticates the key.

Listed in `MIDDLEWARE` (config.settings) in place of the wrapped classes.
"""

from csp.middleware import CSPMiddleware
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django_htmx.middleware import HtmxMiddleware

from .middleware import API_PREFIX


def is_keyed_api_call(request: HttpRequest) -> bool:
    """Under /api/ with a `Token` Authorization header (valid or not: DRF decides)."""
    return (
        request.path_info.startswith(API_PREFIX)
        and request.META.get("HTTP_AUTHORIZATION", "")[:6].lower() == "token "
    )


def unless_keyed_api_call(middleware_class: type, *, anonymous: bool = False) -> type:
    """A subclass of `middleware_class` (so Django's and axes' checks still
    find it) that keyed API calls pass straight through."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_keyed_api_call(request):
            if anonymous:
                request.user = AnonymousUser()
            return self.get_response(request)
        return middleware_class.__call__(self, request)

    namespace: dict = {"__call__": __call__, "__module__": __name__}
    if hasattr(middleware_class, "process_view"):

        def process_view(self, request, view_func, view_args, view_kwargs):
            if is_keyed_api_call(request):
                return None
            return middleware_class.process_view(
                self, request, view_func, view_args, view_kwargs
            )

        namespace["process_view"] = process_view
    return type(f"Lean{middleware_class.__name__}", (middleware_class,), namespace)


Sessions = unless_keyed_api_call(SessionMiddleware)
Authentication = unless_keyed_api_call(AuthenticationMiddleware, anonymous=True)
Messages = unless_keyed_api_call(MessageMiddleware)
Htmx = unless_keyed_api_call(HtmxMiddleware)
ContentSecurityPolicy = unless_keyed_api_call(CSPMiddleware)
