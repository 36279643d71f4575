"""Routes of email in: the gateway endpoint."""

from django.urls import path

from . import views

app_name = "mail"
urlpatterns = [
    path("inbound/email/", views.inbound_email, name="inbound-email"),
]
