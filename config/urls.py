"""Top-level routes (CONTRACT §8); each app owns its own urls module."""

from django.contrib import admin
from django.urls import include, path

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("api.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("", include("mail.urls")),
    path("", include("portal.urls")),
    path("", include("web.urls")),
]
