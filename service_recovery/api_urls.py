"""/api/v1/ routes of service recovery, included under /api/v1/ by `config.urls`."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from .api import CasePromiseViewSet, ProblemViewSet, PromiseViewSet
from .api_incidents import CaseIncidentSuggestionViewSet, IncidentViewSet

app_name = "service_recovery"

router = SimpleRouter()
router.register("problems", ProblemViewSet, basename="problem")
router.register("promises", PromiseViewSet, basename="promise")
router.register("incidents", IncidentViewSet, basename="incident")

urlpatterns = [
    re_path(
        r"^complaints/(?P<reference>C-\d{4}-\d{6,})/promises/$",
        CasePromiseViewSet.as_view({"get": "list", "post": "create"}),
        name="complaint-promises",
    ),
    re_path(
        r"^complaints/(?P<reference>C-\d{4}-\d{6,})/incident-suggestions/$",
        CaseIncidentSuggestionViewSet.as_view({"get": "list"}),
        name="complaint-incident-suggestions",
    ),
    *router.urls,
]
