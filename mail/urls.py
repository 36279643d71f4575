"""Routes of email in: the gateway endpoint and the providers' inbound webhooks.

Only django-anymail's *inbound* webhooks are exposed (tracking webhooks have
no use here), each behind a guard: without ANYMAIL_WEBHOOK_SECRET the route
answers 404, and a payload the provider's parser cannot read is a 400, never
a 500.
"""

import logging
from collections.abc import Callable
from functools import wraps

from anymail import urls as anymail_urls
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import path, re_path
from django.urls.resolvers import RegexPattern
from django.views.decorators.csrf import csrf_exempt

from . import views

logger = logging.getLogger(__name__)


def _guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @csrf_exempt
    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (getattr(settings, "ANYMAIL", {}) or {}).get("WEBHOOK_SECRET"):
            raise Http404("Provider webhooks are off (ANYMAIL_WEBHOOK_SECRET unset).")
        try:
            return view(request, *args, **kwargs)
        except Exception as exc:  # the provider's parser refused the payload
            logger.warning("inbound webhook refused: %s: %s", type(exc).__name__, exc)
            return JsonResponse({"error": "unreadable webhook payload"}, status=400)

    return guarded


def _route(route):
    """The provider's route under inbound/anymail/, guarded."""
    view, name = _guarded(route.callback), route.name
    if isinstance(route.pattern, RegexPattern):
        regex = str(route.pattern).lstrip("^")
        return re_path(rf"^inbound/anymail/{regex}", view, name=name)
    return path(f"inbound/anymail/{route.pattern}", view, name=name)


app_name = "mail"
urlpatterns = [
    path("inbound/email/", views.inbound_email, name="inbound-email"),
    # Providers' inbound webhooks, e.g. /inbound/anymail/sendgrid/inbound/.
    *[
        _route(route)
        for route in anymail_urls.urlpatterns
        if (route.name or "").endswith("_inbound_webhook")
    ],
]
