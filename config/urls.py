"""Top-level routes (CONTRACT §8); each app owns its own urls module."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ops.metrics import metrics_view

from . import health

# Login, logout and changing one's own password. No password reset by email:
# staff accounts are managed by an administrator (README, Security).
accounts = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts)),
    # Interfaces built on the API add their routes under /api/v1/ before the
    # API's own (whose catch-all answers problem+json 404s).
    path("api/v1/", include("webhooks.urls")),
    path("api/v1/", include("dashboards.api_urls")),
    path("api/v1/", include("regimes.api_urls")),
    path("api/v1/", include("service_recovery.api_urls")),
    path("api/v1/", include("records.api_urls")),
    path("api/", include("api.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("", include("mail.urls")),
    path("", include("portal.urls")),
    path("", include("web.urls")),
]
