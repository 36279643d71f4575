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
from .metrics import metrics_summary
from .metrics.definitions import DEFINITIONS
from .metrics.filters import (
    PRESETS,
    FilterInvalid,
    dashboard_teams,
    filter_parse,
    may_see_dashboard,
    scoped_cases,
)
from .metrics.table import inbox_link
from .metrics.tables import TABLE_NAMES, figure_tables

LINKS = {"open": "all", "overdue": "overdue", "escalated": "escalated"}


@require_GET
@login_required
@reads_from_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show every figure for the filter in the query string."""
    choices = {
        "presets": PRESETS,
        "teams": dashboard_teams(request.user),
        "categories": Category.objects.filter(active=True),
        "priorities": Priority.choices,
        "channels": Channel.choices,
        "params": request.GET,
    }
    flt = _filter(request)
    if isinstance(flt, FilterInvalid):
        context = choices | {"errors": flt.errors}
        return render(request, "dashboards/dashboard.html", context, status=400)
    summary = metrics_summary(user=request.user, flt=flt)
    tables = figure_tables(summary)
    links = {k: inbox_link(flt, queue=q) for k, q in LINKS.items()}
    return render(
        request,
        "dashboards/dashboard.html",
        choices
        | {
            "flt": flt,
            "s": summary,
            "tables": tables,
            "charts": [t.chart_spec() for t in tables if t.chart],
            "definitions": DEFINITIONS,
            "query": flt.query(),
            "links": links,
        },
    )


@require_GET
@login_required
@reads_from_replica
def export(request: HttpRequest, name: str) -> HttpResponse:
    """The filtered cases filed in the period (`cases`), or one table, as CSV."""
    if name != "cases" and name not in TABLE_NAMES:
        raise Http404(_("No such table."))
    flt = _filter(request)
    if isinstance(flt, FilterInvalid):
        return HttpResponse(str(flt), status=400, content_type="text/plain")
    if name == "cases":
        cases = scoped_cases(user=request.user, flt=flt)
        return exports.cases_csv(cases=cases, flt=flt)
    summary = metrics_summary(user=request.user, flt=flt)
    table = next(t for t in figure_tables(summary) if t.name == name)
    filename = f"{name}-{flt.start}-{flt.end}.csv"
    return exports.stream_csv(filename, table.header(), table.values())


def _filter(request: HttpRequest):
    if not may_see_dashboard(request.user):
        raise PermissionDenied(_("The dashboard is for team leads and managers."))
    try:
        return filter_parse(user=request.user, params=request.GET)
    except FilterInvalid as exc:
        return exc
