"""Regulated handling's API routes, mounted under /api/v1/ by config/urls.py."""

from django.urls import path

from .api import LettersView, ReceivedAtView, ReturnsView
from .api_support import (
    LetterApprovalMoveView,
    LetterApprovalsView,
    LetterPreviewView,
    RepresentativeView,
    VulnerabilityView,
)

app_name = "regimes"
urlpatterns = [
    path(
        "complaints/<str:reference>/letters/",
        LettersView.as_view(),
        name="complaint-letters",
    ),
    path(
        "complaints/<str:reference>/letters/preview/",
        LetterPreviewView.as_view(),
        name="complaint-letter-preview",
    ),
    path(
        "complaints/<str:reference>/letters/approvals/",
        LetterApprovalsView.as_view(),
        name="complaint-letter-approvals",
    ),
    *[
        path(
            f"letter-approvals/<int:approval_id>/{verb}/",
            LetterApprovalMoveView.as_view(verb=verb),
            name=f"letter-approval-{verb}",
        )
        for verb in ("approve", "refuse", "send")
    ],
    path(
        "complaints/<str:reference>/received-at/",
        ReceivedAtView.as_view(),
        name="complaint-received-at",
    ),
    path(
        "customers/<int:customer_id>/vulnerability/",
        VulnerabilityView.as_view(),
        name="customer-vulnerability",
    ),
    path(
        "customers/<int:customer_id>/representative/",
        RepresentativeView.as_view(),
        name="customer-representative",
    ),
    path("returns/<slug:regime>/", ReturnsView.as_view(), name="returns"),
]
