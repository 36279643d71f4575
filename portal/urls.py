"""Routes of the customer portal: /complain/, /status/<token>/, /survey/<token>/."""

from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("complain/", views.complain, name="complain"),
    path("complain/thanks/<str:token>/", views.thanks, name="thanks"),
    path("status/<str:token>/", views.status, name="status"),
    path("status/<str:token>/messages/", views.message_send, name="message_send"),
    path("status/<str:token>/consent/", views.consent, name="consent"),
    path(
        "status/<str:token>/letters/<int:letter_id>/",
        views.letter_download,
        name="letter_download",
    ),
    path(
        "status/<str:token>/attachments/",
        views.attachment_send,
        name="attachment_send",
    ),
    path(
        "status/<str:token>/attachments/<int:attachment_id>/",
        views.attachment_get,
        name="attachment",
    ),
    path(
        "status/<str:token>/offers/<int:offer_id>/<slug:action>/",
        views.offer_answer,
        name="offer_answer",
    ),
    path("survey/<str:token>/", views.survey, name="survey"),
    path("incidents/<str:token>/", views.incident_status, name="incident"),
]
