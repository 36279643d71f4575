"""Liveness (/healthz) and readiness (/readyz) probes (CONTRACT §17).

Readiness asks the database and the broker at once, each in its own thread,
and answers within about a second even when one of them hangs: a load
balancer's probe must never queue behind a stuck connection.
"""

import threading
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

PROBE_SECONDS = 0.9


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 while the process serves requests."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database and the broker answer, 503 otherwise."""
    results = _probe({"database": _database, "broker": _broker})
    ready = all(value == "ok" for value in results.values())
    body = {"status": "ok" if ready else "unavailable", **results}
    return JsonResponse(body, status=200 if ready else 503)


def _probe(checks: dict[str, Callable[[], None]]) -> dict[str, str]:
    results = dict.fromkeys(checks, "no answer within a second")
    threads = []
    for name, check in checks.items():
        thread = threading.Thread(target=_run, args=(name, check, results), daemon=True)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(PROBE_SECONDS)
    return dict(results)


def _run(name: str, check: Callable[[], None], results: dict[str, str]) -> None:
    try:
        check()
        results[name] = "ok"
    except Exception as exc:  # any driver error means not ready
        results[name] = f"{type(exc).__name__}: {exc}"[:200]


def _database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        # The probe's thread owns this connection: never leave it open.
        connection.close()


def _broker() -> None:
    from kombu import Connection

    with Connection(
        settings.CELERY_BROKER_URL,
        transport_options=dict(
            getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
        ),
        connect_timeout=PROBE_SECONDS,
    ) as conn:
        conn.ensure_connection(max_retries=1, timeout=PROBE_SECONDS)
        if conn.transport.driver_type == "redis":
            conn.default_channel.client.ping()
