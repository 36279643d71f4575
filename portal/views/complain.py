"""The public complaint form and the page that thanks the customer for it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..forms import ComplaintForm
from ..guards import rate_limit_hit
from ..links import status_token
from ..selectors import case_for_status_token
from ..services import complaint_file_from_web
from .common import link_invalid

FIELDS = (
    "name",
    "email",
    "phone",
    "subject",
    "description",
    "category",
    "desired_outcome",
    "consent",
)


@require_http_methods(["GET", "POST"])
def complain(request: HttpRequest) -> HttpResponse:
    """Show the form; file the complaint when it is complete."""
    if request.method == "GET":
        return render(request, "portal/complain.html", {"form": ComplaintForm()})
    if rate_limit_hit(scope="complain", request=request):
        return render(request, "portal/slow_down.html", status=429)
    form = ComplaintForm(request.POST)
    if form.is_robot:
        # Answer as if filed, so the robot learns nothing; nothing is stored.
        return render(request, "portal/received.html")
    if not form.is_valid():
        return render(request, "portal/complain.html", {"form": form})
    case = complaint_file_from_web(**{name: form.cleaned_data[name] for name in FIELDS})
    return redirect("portal:thanks", token=status_token(case))


@never_cache
@require_http_methods(["GET"])
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    """Thank the customer and give them their reference and status link."""
    case = case_for_status_token(token)
    if case is None:
        return link_invalid(request)
    link = request.build_absolute_uri(reverse("portal:status", args=[token]))
    context = {"case": case, "status_url": link}
    return render(request, "portal/thanks.html", context)
