"""Routes of the api app: /api/v1/…, the OpenAPI schema and the interactive docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from service_recovery.api import CasePromiseViewSet, ProblemViewSet, PromiseViewSet
from service_recovery.api_incidents import IncidentViewSet
from webhooks.api import WebhookViewSet

from .errors import not_found
from .views.complaints import ComplaintViewSet
from .views.customers import CustomerViewSet
from .views.misc import MetricsView, PingView
from .views.work import FollowUpViewSet, OfferViewSet

app_name = "api"

router = SimpleRouter()
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("offers", OfferViewSet, basename="offer")
router.register("followups", FollowUpViewSet, basename="followup")
router.register("customers", CustomerViewSet, basename="customer")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("problems", ProblemViewSet, basename="problem")
router.register("promises", PromiseViewSet, basename="promise")
router.register("incidents", IncidentViewSet, basename="incident")

v1 = [
    path("ping/", PingView.as_view(), name="ping"),
    path("metrics/summary/", MetricsView.as_view(), name="metrics-summary"),
    re_path(
        r"^complaints/(?P<reference>C-\d{4}-\d{6,})/promises/$",
        CasePromiseViewSet.as_view({"get": "list", "post": "create"}),
        name="complaint-promises",
    ),
    *router.urls,
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The page and its init script come apart, so no inline script is needed (CSP).
    path(
        "docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"
    ),
    re_path(r"^.*$", not_found),
]
