"""The public complaint form and the page that thanks the customer for it."""

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from attachments.exceptions import AttachmentRefused
from complaints.models import Case

from ..forms import ComplaintForm
from ..guards import (
    PENDING,
    submission_claim,
    submission_done,
    submission_release,
)
from ..links import status_token
from ..selectors import case_for_status_token
from ..services import complaint_file_from_web
from .common import link_invalid, rate_limited

FIELDS = (
    "name",
    "email",
    "phone",
    "subject",
    "description",
    "category",
    "desired_outcome",
    "consent",
    "attachments",
)


@require_http_methods(["GET", "POST"])
@rate_limited("complain")
def complain(request: HttpRequest) -> HttpResponse:
    """Show the form; file the complaint when it is complete."""
    if request.method == "GET":
        form = ComplaintForm(initial={"nonce": secrets.token_urlsafe(16)})
        return render(request, "portal/complain.html", {"form": form})
    form = ComplaintForm(request.POST, request.FILES)
    if form.is_robot:
        # Answer as if filed, so the robot learns nothing; nothing is stored.
        return render(request, "portal/received.html")
    if not form.is_valid():
        return render(request, "portal/complain.html", {"form": form})
    nonce = form.cleaned_data["nonce"]
    earlier = submission_claim(nonce=nonce)
    if earlier is not None:
        return _repeat(request, earlier)
    try:
        case = complaint_file_from_web(
            **{f: form.cleaned_data[f] for f in FIELDS},
            language=get_language() or "",
        )
    except AttachmentRefused as refused:
        # Nothing was filed; the customer fixes the files and sends again.
        submission_release(nonce=nonce)
        form.add_error("attachments", refused.detail)
        return render(request, "portal/complain.html", {"form": form})
    except BaseException:
        submission_release(nonce=nonce)
        raise
    submission_done(nonce=nonce, result=case.reference)
    return redirect("portal:thanks", token=status_token(case, from_form=True))


@never_cache
@require_safe
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    """Thank the customer and give them their reference and status link."""
    case = case_for_status_token(token)
    if case is None:
        return link_invalid(request)
    link = request.build_absolute_uri(reverse("portal:status", args=[token]))
    context = {"case": case, "status_url": link}
    return render(request, "portal/thanks.html", context)


def _repeat(request: HttpRequest, earlier: str) -> HttpResponse:
    """Answer a second submit of the same form with the first one's result."""
    case = (
        None if earlier == PENDING else Case.objects.filter(reference=earlier).first()
    )
    if case is None:
        return render(request, "portal/received.html", {"in_progress": True})
    messages.info(
        request, _("You'd already sent us this complaint, so we kept just one.")
    )
    return redirect("portal:thanks", token=status_token(case, from_form=True))
