"""Regulated handling's API routes, mounted under /api/v1/ by config/urls.py."""

from django.urls import path

from .api import LettersView, ReceivedAtView, ReturnsView

app_name = "regimes"
urlpatterns = [
    path(
        "complaints/<str:reference>/letters/",
        LettersView.as_view(),
        name="complaint-letters",
    ),
    path(
        "complaints/<str:reference>/received-at/",
        ReceivedAtView.as_view(),
        name="complaint-received-at",
    ),
    path("returns/<slug:regime>/", ReturnsView.as_view(), name="returns"),
]
