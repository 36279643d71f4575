"""/api/v1/metrics/summary/: the dashboards' figures over the API.

Included under /api/v1/ by `config.urls`; the view wears the API's scopes,
throttles and problem+json errors (`api.views.base.ApiViewMixin`).
"""

from django.urls import path

from api.permissions import READ
from api.views.base import ApiViewMixin

from .api import MetricsSummaryView

app_name = "dashboards-api"


class MetricsView(ApiViewMixin, MetricsSummaryView):
    """The dashboards' summary view, behind the API's scopes, throttles and errors."""

    required_scopes = {"get": READ}


urlpatterns = [
    path("metrics/summary/", MetricsView.as_view(), name="metrics-summary"),
]
