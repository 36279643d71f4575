"""A database or broker that drops out mid-request answers 503 with Retry-After, not 500.

Connections are health-checked when a request starts (CONN_HEALTH_CHECKS),
but one cut while a request runs still raises; the client, or the load
balancer in front, may safely try again a moment later. Under `/api/` the
answer is problem+json like every API error.
"""

import json
import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


def _outage_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        from kombu.exceptions import OperationalError as BrokerError

        errors.append(BrokerError)
    except ImportError:  # pragma: no cover - kombu is a dependency
        pass
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError

        errors.append(RedisConnectionError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


OUTAGE_ERRORS = _outage_errors()


class ServiceUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not isinstance(exception, OUTAGE_ERRORS):
            return None
        logger.warning("answered 503: %s: %s", type(exception).__name__, exception)
        if request.path.startswith("/api/"):
            body = {
                "type": "urn:redress:problem:unavailable",
                "title": "Service briefly unavailable; try again shortly.",
                "status": 503,
                "detail": "A backing service did not answer.",
            }
            response = HttpResponse(
                json.dumps(body), status=503, content_type="application/problem+json"
            )
        else:
            response = HttpResponse(
                "<!doctype html><title>Try again shortly</title>"
                "<h1>Redress is briefly unavailable</h1>"
                "<p>Nothing you sent was lost. Please try again in a few seconds.</p>",
                status=503,
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
