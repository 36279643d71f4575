"""Routes of the api app: /api/v1/…, the OpenAPI schema and the interactive docs.

Interfaces built on the API (webhooks, the dashboards' metrics summary) bring
their own routes under /api/v1/, wired in `config.urls`: this app imports none
of them.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from .errors import not_found
from .schema import SchemaView
from .views.complaints import ComplaintViewSet
from .views.customers import CustomerViewSet
from .views.misc import PingView
from .views.work import FollowUpViewSet, OfferViewSet

app_name = "api"

router = SimpleRouter()
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("offers", OfferViewSet, basename="offer")
router.register("followups", FollowUpViewSet, basename="followup")
router.register("customers", CustomerViewSet, basename="customer")

v1 = [
    path("ping/", PingView.as_view(), name="ping"),
    *router.urls,
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SchemaView.as_view(), name="schema"),
    # The page and its init script come apart, so no inline script is needed (CSP).
    path(
        "docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"
    ),
    re_path(r"^.*$", not_found),
]
