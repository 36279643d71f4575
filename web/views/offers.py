"""Offer actions: make one, and move it on the customer's or an approver's behalf."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from complaints import lifecycle
from complaints.models import Offer
from complaints.selectors import cases_visible_to

from .. import forms
from .base import case_or_404, run_action

# action → (lifecycle move, keyword for the note, message after success)
MOVES = {
    "approve": (
        lifecycle.offer_approve,
        None,
        _("Offer approved; the customer can see it."),
    ),
    "reject": (lifecycle.offer_reject, "reason", _("Offer rejected.")),
    "accept": (lifecycle.offer_accept, None, _("Recorded: the customer accepted.")),
    "decline": (
        lifecycle.offer_decline,
        "reason",
        _("Recorded: the customer declined."),
    ),
    "counter": (
        lifecycle.offer_counter,
        "counter_request",
        _("Recorded what the customer asked for instead."),
    ),
    "withdraw": (lifecycle.offer_withdraw, "reason", _("Offer withdrawn.")),
    "fulfil": (lifecycle.offer_fulfil, "note", "Recorded: the offer was carried out."),
}


@login_required
@require_POST
def offer_create(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    return run_action(
        request,
        case,
        key="offer",
        form=forms.OfferForm(request.POST),
        call=lambda d: lifecycle.offer_make(
            case=case,
            kind=d["kind"],
            amount=d["amount"],
            currency=d["currency"],
            description=d["description"],
            extra_mile=d["extra_mile"],
            by=request.user,
        ),
        success=_("Offer made."),
        anchor="#offers",
    )


@login_required
@require_POST
def offer_move(request: HttpRequest, offer_id: int, action: str) -> HttpResponse:
    if action not in MOVES:
        raise Http404(_("No such action."))
    offer = (
        Offer.objects.filter(pk=offer_id, case__in=cases_visible_to(request.user))
        .select_related("case")
        .first()
    )
    if offer is None:
        raise Http404(_("No such offer."))
    case = case_or_404(request, offer.case.reference)
    move, note_name, success = MOVES[action]

    def call(d):
        kwargs = {note_name: d["note"]} if note_name else {}
        return move(offer=offer, by=request.user, **kwargs)

    return run_action(
        request,
        case,
        key="offer",
        form=forms.OfferNoteForm(request.POST),
        call=call,
        success=success,
        anchor="#offers",
    )
