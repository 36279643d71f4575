"""The managers' dashboard page and its CSV exports (CONTRACT §8: /dashboard/).

Team leads see their teams, managers everything; anyone else gets 403. The
views parse the filter, check access, call the metrics and render.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from complaints.models import Category, Channel, Priority
from config.replica import reads_from_replica

from . import exports
from .metrics import (
    DEFINITIONS,
    PRESETS,
    FilterInvalid,
    MetricsFilter,
    filter_parse,
    may_see_dashboard,
    metrics_summary,
    scoped_cases,
)
from .metrics.charts import figure_charts
from .metrics.tables import TABLE_NAMES, figure_tables, inbox_link


@require_GET
@login_required
@reads_from_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show every figure for the filter in the query string."""
    flt = _filter(request)
    if isinstance(flt, FilterInvalid):
        context = _choices(request) | {"errors": flt.errors, "params": request.GET}
        return render(request, "dashboards/dashboard.html", context, status=400)
    summary = metrics_summary(user=request.user, flt=flt)
    context = _choices(request) | {
        "flt": flt,
        "s": summary,
        "tables": figure_tables(summary),
        "charts": (charts := figure_charts(summary)),
        "chart_ids": {chart["id"] for chart in charts},
        "definitions": DEFINITIONS,
        "query": flt.query(),
        "links": _links(flt),
        "params": request.GET,
    }
    return render(request, "dashboards/dashboard.html", context)


@require_GET
@login_required
@reads_from_replica
def export_cases(request: HttpRequest) -> HttpResponse:
    """Stream the filtered cases filed in the period as CSV."""
    flt = _filter(request)
    if isinstance(flt, FilterInvalid):
        return HttpResponse(str(flt), status=400, content_type="text/plain")
    return exports.cases_csv(cases=scoped_cases(user=request.user, flt=flt), flt=flt)


@require_GET
@login_required
@reads_from_replica
def export_table(request: HttpRequest, name: str) -> HttpResponse:
    """One dashboard table as CSV."""
    if name not in TABLE_NAMES:
        raise Http404(_("No such table."))
    flt = _filter(request)
    if isinstance(flt, FilterInvalid):
        return HttpResponse(str(flt), status=400, content_type="text/plain")
    summary = metrics_summary(user=request.user, flt=flt)
    table = next(t for t in figure_tables(summary) if t.name == name)
    return exports.table_csv(table, flt)


def _filter(request: HttpRequest) -> MetricsFilter | FilterInvalid:
    if not may_see_dashboard(request.user):
        raise PermissionDenied("The dashboard is for team leads and managers.")
    try:
        return filter_parse(user=request.user, params=request.GET)
    except FilterInvalid as exc:
        return exc


def _choices(request: HttpRequest) -> dict:
    from .metrics import dashboard_teams

    return {
        "presets": PRESETS,
        "teams": dashboard_teams(request.user),
        "categories": Category.objects.filter(active=True),
        "priorities": Priority.choices,
        "channels": Channel.choices,
    }


def _links(flt: MetricsFilter) -> dict[str, str]:
    return {
        "open": inbox_link(flt, queue="all"),
        "overdue": inbox_link(flt, queue="overdue"),
        "escalated": inbox_link(flt, queue="escalated"),
        "new": inbox_link(flt, stage="new"),
    }
