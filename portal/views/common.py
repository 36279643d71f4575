"""What every portal page shares: the friendly answer to a link we cannot open."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def link_invalid(request: HttpRequest) -> HttpResponse:
    """A 404 that explains, kindly, that the link is not valid (and shows nothing else)."""
    return render(request, "portal/link_invalid.html", status=404)
