"""Follow-up actions: consent, scheduling (with the proposed cadence), completing."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from complaints.exceptions import FollowUpRefused
from complaints.selectors import cases_visible_to
from customers.services import customer_set_consent
from followups.models import FollowUp
from followups.services import followup_cancel, followup_complete, followup_schedule

from .. import forms
from .base import case_or_404, run_action


@login_required
@require_POST
def followup_create(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    return run_action(
        request,
        case,
        key="followup",
        form=forms.FollowUpForm(request.POST),
        call=lambda d: followup_schedule(
            case=case,
            due_at=d["due_at"],
            channel=d["channel"],
            note=d["note"],
            owner=_owner(d["owner"]),
            by=request.user,
        ),
        success=_("Follow-up scheduled."),
        anchor="#followups",
    )


def _owner(user_id: int | None):
    """The staff member picked to call (None: the service's default)."""
    if user_id is None:
        return None
    owner = get_user_model().objects.filter(pk=user_id).first()
    if owner is None:
        raise FollowUpRefused(_("No such person to own the follow-up."), ["owner"])
    return owner


@login_required
@require_POST
def followup_done(request: HttpRequest, followup_id: int) -> HttpResponse:
    return _on_followup(
        request,
        followup_id,
        forms.FollowUpCompleteForm(request.POST),
        lambda followup, d: followup_complete(
            followup=followup,
            outcome=d["outcome"],
            csat=d["csat"],
            note=d["note"],
            by=request.user,
        ),
        success=_("Follow-up recorded."),
    )


@login_required
@require_POST
def followup_cancel_view(request: HttpRequest, followup_id: int) -> HttpResponse:
    return _on_followup(
        request,
        followup_id,
        forms.FollowUpCancelForm(request.POST),
        lambda followup, d: followup_cancel(
            followup=followup, reason=d["reason"], by=request.user
        ),
        success=_("Follow-up cancelled."),
    )


def _on_followup(request, followup_id: int, form, move, *, success) -> HttpResponse:
    """Run `move(followup, data)` on a follow-up the user may see, from its case."""
    followup = _visible_followup(request, followup_id)
    case = case_or_404(request, followup.case.reference)
    return run_action(
        request,
        case,
        key="followup",
        form=form,
        call=lambda d: move(followup, d),
        success=success,
        anchor="#followups",
    )


def _visible_followup(request: HttpRequest, followup_id: int) -> FollowUp:
    followup = (
        FollowUp.objects.filter(pk=followup_id, case__in=cases_visible_to(request.user))
        .select_related("case")
        .first()
    )
    if followup is None:
        raise Http404(_("No such follow-up."))
    return followup


@login_required
@require_POST
def customer_consent(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = forms.ConsentForm(request.POST)
    consent = form.is_valid() and form.cleaned_data["consent"]
    return run_action(
        request,
        case,
        key="consent",
        form=form,
        call=lambda d: customer_set_consent(
            customer=case.customer, consent=consent, by=request.user
        ),
        success=_("Consent to contact: yes.")
        if consent
        else _("Consent to contact: no."),
        anchor="#followups",
    )
