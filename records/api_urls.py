"""Retention and data rights' API routes, mounted under /api/v1/ by config/urls.py."""

from django.urls import path

from .api import CaseHoldView, CustomerExportView, CustomerHoldView, HoldLiftView

app_name = "records"
urlpatterns = [
    path(
        "customers/<int:customer_id>/export/",
        CustomerExportView.as_view(),
        name="customer-export",
    ),
    path(
        "customers/<int:customer_id>/holds/",
        CustomerHoldView.as_view(),
        name="customer-holds",
    ),
    path(
        "complaints/<str:reference>/holds/", CaseHoldView.as_view(), name="case-holds"
    ),
    path("holds/<int:hold_id>/lift/", HoldLiftView.as_view(), name="hold-lift"),
]
