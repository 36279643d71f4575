"""One id per request, on its response, its log lines and the Celery tasks it queues.

A well-formed `X-Request-ID` from the proxy in front is kept (so one id spans
the load balancer's log and ours); otherwise a fresh one is made. Tasks carry
it in a message header and put it back in place while they run, so a log
line written by the worker names the request that caused it.
"""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
WELL_FORMED = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

request_id: ContextVar[str] = ContextVar("request_id", default="")

logger = logging.getLogger("redress.tasks")


def current() -> str:
    """The id of the request (or task) this code runs for, or ''."""
    return request_id.get()


class RequestIdMiddleware:
    """Give every request an id and answer it in `X-Request-ID`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        rid = given if WELL_FORMED.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[HEADER] = rid
        return response


class RequestIdFilter(logging.Filter):
    """Put `request_id` on every log record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def connect_celery_signals() -> None:
    """Carry the id from the publisher into the task; count and log failures."""
    from celery import signals

    signals.before_task_publish.connect(_stamp, weak=False)
    signals.task_prerun.connect(_adopt, weak=False)
    signals.task_postrun.connect(_drop, weak=False)
    signals.task_failure.connect(_failed, weak=False)


def _stamp(headers: dict | None = None, **_: object) -> None:
    rid = request_id.get()
    if rid and headers is not None:
        headers.setdefault("request_id", rid)


def _adopt(task=None, **_: object) -> None:
    request = getattr(task, "request", None)
    rid = getattr(request, "request_id", None) or (
        getattr(request, "headers", None) or {}
    ).get("request_id", "")
    rid = rid if isinstance(rid, str) else ""
    request_id.set(rid if WELL_FORMED.match(rid) else "")
    if rid:
        logger.info("task %s started", task.name)


def _drop(**_: object) -> None:
    request_id.set("")


def _failed(sender=None, task_id=None, exception=None, args=None, kwargs=None, **_):
    from .metrics import TASK_FAILURES

    name = getattr(sender, "name", "unknown")
    TASK_FAILURES.labels(task=name).inc()
    logger.error(
        "task %s failed: %r",
        name,
        exception,
        extra={"task_id": task_id, "case": _case_of(args, kwargs)},
    )


def _case_of(args, kwargs) -> str:
    """The case reference a task was about, when its arguments name one."""
    from complaints.models import Case

    values = list(args or ()) + list((kwargs or {}).values())
    for value in values:
        if isinstance(value, str) and value.startswith("C-"):
            return value
    for key in ("case_id", "case_pk"):
        if kwargs and isinstance(kwargs.get(key), int):
            found = Case.objects.filter(pk=kwargs[key]).values_list(
                "reference", flat=True
            )
            return next(iter(found), "")
    return ""
