"""Prometheus metrics: django-prometheus's request and database figures plus Redress's own.

Redress's gauges are read from the database when Prometheus scrapes, so every
web process reports the same truth (the database is the source of what is
due): open cases by stage, deadlines due and overdue, the outbox's backlog and
the age of its oldest pending row. Task failures are counted where they happen.
"""

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily

TASK_FAILURES = Counter(
    "redress_task_failures", "Celery tasks that raised, by task.", ["task"]
)


class RedressCollector:
    """Figures about now, read on each scrape in a handful of indexed queries."""

    def describe(self):
        """Name the families without querying (the registry asks at import)."""
        yield GaugeMetricFamily("redress_cases_open", "", labels=["stage"])
        yield GaugeMetricFamily("redress_deadlines", "", labels=["state"])
        for name in (
            "redress_outbox_pending",
            "redress_outbox_oldest_pending_seconds",
            "redress_outbox_dead",
        ):
            yield GaugeMetricFamily(name, "")

    def collect(self):
        from django.db.models import Count, Min

        from complaints.models import Case, Stage
        from notifications.models import Outbox, OutboxStatus
        from sla.models import RUNNING, Deadline

        now = timezone.now()
        stages = GaugeMetricFamily(
            "redress_cases_open", "Open cases by stage.", labels=["stage"]
        )
        counts = dict(
            Case.objects.exclude(stage=Stage.CLOSED)
            .values_list("stage")
            .annotate(n=Count("id"))
            .order_by()
        )
        for stage in Stage.values:
            if stage != Stage.CLOSED:
                stages.add_metric([stage], counts.get(stage, 0))
        yield stages

        running = Deadline.objects.filter(**RUNNING)
        deadlines = GaugeMetricFamily(
            "redress_deadlines", "Running SLA deadlines.", labels=["state"]
        )
        deadlines.add_metric(["running"], running.count())
        deadlines.add_metric(["overdue"], running.filter(due_at__lt=now).count())
        yield deadlines

        pending = Outbox.objects.filter(status=OutboxStatus.PENDING)
        summary = pending.aggregate(n=Count("id"), oldest=Min("created_at"))
        yield GaugeMetricFamily(
            "redress_outbox_pending", "Emails waiting to be sent.", value=summary["n"]
        )
        age = (now - summary["oldest"]).total_seconds() if summary["oldest"] else 0
        yield GaugeMetricFamily(
            "redress_outbox_oldest_pending_seconds",
            "Age of the oldest email waiting to be sent.",
            value=age,
        )
        yield GaugeMetricFamily(
            "redress_outbox_dead",
            "Emails given up on (dead letters).",
            value=Outbox.objects.filter(status=OutboxStatus.DEAD).count(),
        )


_registered = False


def register() -> None:
    """Add the Redress collector to the default registry once per process."""
    global _registered
    if not _registered:
        REGISTRY.register(RedressCollector())
        _registered = True


@never_cache
@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Serve the exposition when METRICS_ENABLED; with METRICS_TOKEN, only to its bearer."""
    if not settings.METRICS_ENABLED:
        raise Http404
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            response = HttpResponse("A bearer token is required.\n", status=401)
            response["WWW-Authenticate"] = "Bearer"
            return response
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
