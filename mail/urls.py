"""Routes of email in: the gateway endpoint."""

from django.urls import include, path

from . import views

app_name = "mail"
urlpatterns = [
    path("inbound/email/", views.inbound_email, name="inbound-email"),
    # Providers' inbound webhooks, e.g. /inbound/anymail/sendgrid/inbound/.
    path("inbound/anymail/", include("anymail.urls")),
]
