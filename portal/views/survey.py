"""The follow-up satisfaction survey a customer opens from a signed link."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints.actors import Actor
from complaints.exceptions import DomainError
from followups.models import FollowUp, FollowUpStatus
from followups.services import followup_complete

from ..forms import SurveyForm
from ..links import status_token
from ..selectors import followup_for_survey_token
from .common import link_invalid


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """Ask how satisfied the customer is; once answered, thank them instead."""
    followup = followup_for_survey_token(token)
    if followup is None:
        return link_invalid(request)
    if followup.status != FollowUpStatus.SCHEDULED:
        return _done(request, followup)
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "GET" or not form.is_valid():
        return render(request, "portal/survey.html", _context(followup, form=form))
    try:
        followup_complete(
            followup=followup,
            outcome=form.cleaned_data["outcome"],
            csat=form.cleaned_data["csat"],
            note=form.cleaned_data["note"],
            by=Actor.customer(),
        )
    except DomainError:
        # Answered in another tab a moment ago, or the case moved on meanwhile.
        messages.info(request, _("We already have your answer. Thank you."))
    return redirect("portal:survey", token=token)


def _done(request: HttpRequest, followup: FollowUp) -> HttpResponse:
    return render(request, "portal/survey_done.html", _context(followup))


def _context(followup: FollowUp, **extra) -> dict:
    return {
        "followup": followup,
        "case": followup.case,
        "status_url": reverse("portal:status", args=[status_token(followup.case)]),
        **extra,
    }
