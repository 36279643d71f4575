"""The public page of an incident, opened by the signed link in its notice email."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from service_recovery.incidents import incident_from_token

from .common import link_invalid


@require_safe
def incident_status(request: HttpRequest, token: str) -> HttpResponse:
    incident = incident_from_token(token[:500])
    if incident is None:
        return link_invalid(request)
    return render(request, "portal/incident.html", {"incident": incident})
