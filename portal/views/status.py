"""The customer's view of their case and what they can do there.

Every view opens the case from the signed token alone, so a link only ever
reaches its own case; offers are looked up within that case.
"""

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from attachments.selectors import attachments_for_customer
from complaints import lifecycle
from complaints.actors import Actor
from complaints.exceptions import DomainError, OfferRefused
from complaints.models import Case, MessageKind, Offer, OfferStatus, Visibility
from complaints.services import message_post
from regimes.models import LetterKind
from regimes.selectors import case_letter, letters_brief
from service_recovery.selectors import customer_promises

from ..forms import (
    AttachmentForm,
    ConsentForm,
    CounterForm,
    DeclineForm,
    MessageForm,
)
from ..guards import submission_claim, submission_release
from ..links import survey_token
from ..selectors import (
    SHOWN_OFFERS,
    case_for_status_token,
    case_progress,
    case_promise,
    case_zone,
    close_note,
    customer_messages,
    customer_offers,
    link_may_change_consent,
    survey_due,
)
from ..services import consent_set_by_customer
from .common import link_invalid, rate_limited

ANSWERED = {
    "accept": _("Thank you. We'll get on with it and let you know when it's done."),
    "decline": _("Thank you for telling us. We'll come back to you with another idea."),
    "counter": _(
        "Thank you. We've passed on what you'd prefer and will come back to you soon."
    ),
}
CONSENT_BY_EMAIL = _(
    "To tell us whether we may check back with you, please use the link in the "
    "email we sent you."
)
ALREADY = {
    OfferStatus.ACCEPTED: _(
        "You've already accepted this offer, so there's nothing more to do here."
    ),
    OfferStatus.FULFILLED: _("This offer has already been carried out."),
    OfferStatus.DECLINED: _("You've already said no to this offer."),
    OfferStatus.COUNTERED: _("You've already told us what you'd prefer instead."),
    OfferStatus.WITHDRAWN: _(
        "This offer is no longer available. We'll be in touch about what happens next."
    ),
}


@never_cache
@require_safe
def status(request: HttpRequest, token: str) -> HttpResponse:
    """Show where the case stands, its messages, offers and consent."""
    case = case_for_status_token(token)
    if case is None:
        return link_invalid(request)
    return status_page(request, case, token)


@never_cache
@require_safe
def letter_download(request: HttpRequest, token: str, letter_id: int) -> HttpResponse:
    """The customer's copy of a letter, exactly as sent (PDF, else its text)."""
    case = case_for_status_token(token)
    letter = case_letter(case, letter_id) if case is not None else None
    if letter is None:
        return link_invalid(request)
    name = f"{case.reference}-{letter.kind}-{letter.pk}"
    if letter.pdf:
        response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
        name += ".pdf"
    else:
        response = HttpResponse(letter.body, content_type="text/plain; charset=utf-8")
        name += ".txt"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@rate_limited("status")
def message_send(request: HttpRequest, token: str) -> HttpResponse:
    """Add the customer's message to their case (this ends a wait on them)."""
    case = case_for_status_token(token)
    if case is None:
        return link_invalid(request)
    if not case.is_open:
        messages.info(request, _("This complaint is closed, so we couldn't add that."))
        return back(token, "messages")
    form = MessageForm(request.POST)
    if not form.is_valid():
        return status_page(request, case, token, message_form=form)
    if not _post_once(case, form.cleaned_data):
        messages.info(request, _("We already have that message; no need to resend it."))
        return back(token, "messages")
    messages.success(request, _("Thank you. Your message is with our team."))
    return back(token, "messages")


@require_POST
@rate_limited("status")
def offer_answer(
    request: HttpRequest, token: str, offer_id: int, action: str
) -> HttpResponse:
    """Accept, decline or counter one offer on the case."""
    case = case_for_status_token(token)
    offer = _offer(case, offer_id)
    if case is None or offer is None or action not in ANSWERED:
        return link_invalid(request)
    form = _answer_form(action, offer, request.POST)
    if form is not None and not form.is_valid():
        return status_page(request, case, token, invalid={(offer.pk, action): form})
    data = form.cleaned_data if form is not None else {}
    try:
        _answer(offer, action, data)
    except OfferRefused:
        offer.refresh_from_db()
        messages.info(request, ALREADY.get(offer.status, _("This offer is closed.")))
    else:
        messages.success(request, ANSWERED[action])
    return back(token, "offers")


@require_POST
@rate_limited("status")
def consent(request: HttpRequest, token: str) -> HttpResponse:
    """Give or withdraw consent to be contacted for a follow-up."""
    case = case_for_status_token(token)
    if case is None:
        return link_invalid(request)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose yes or no."))
        return back(token, "consent")
    if not link_may_change_consent(token):
        messages.info(request, CONSENT_BY_EMAIL)
        return back(token, "consent")
    given = form.cleaned_data["consent"]
    try:
        consent_set_by_customer(case=case, consent=given)
    except DomainError:
        messages.info(
            request,
            _(
                "This complaint is closed, so we couldn't change that here. Reply to "
                "our last email and we'll sort it out."
            ),
        )
        return back(token, "consent")
    messages.success(
        request,
        _("Thank you. We may check back with you later.")
        if given
        else _("Understood. We won't contact you to follow up."),
    )
    return back(token, "consent")


def status_page(
    request,
    case: Case,
    token: str,
    *,
    message_form=None,
    invalid=None,
    attachment_form=None,
):
    """Render the status page (with any form that failed kept as typed)."""
    offers = customer_offers(case=case)
    for offer in offers:
        offer.forms = {
            action: (invalid or {}).get((offer.pk, action))
            or _answer_form(action, offer, None)
            for action in ("decline", "counter")
        }
    survey = survey_due(case=case)
    context = {
        "case": case,
        "survey_token": survey_token(survey) if survey else None,
        "token": token,
        "steps": case_progress(case=case),
        "close_note": close_note(case=case),
        "promise": case_promise(case=case),
        "our_promises": list(customer_promises(case)),
        "zone": case_zone(case=case).key,
        "conversation": customer_messages(case=case),
        "offers": offers,
        "letters": [
            (letter, LetterKind(letter.kind).label)
            for letter in letters_brief().filter(case=case)
        ],
        "consent_open": link_may_change_consent(token),
        "message_form": message_form
        or MessageForm(initial={"nonce": secrets.token_urlsafe(16)}),
        "attachments": list(attachments_for_customer(case=case)),
        "attachment_form": attachment_form or AttachmentForm(),
    }
    return render(request, "portal/status.html", context)


def _post_once(case: Case, data: dict) -> bool:
    """Post the message unless this form was already sent; return whether posted."""
    nonce = data["nonce"]
    if submission_claim(nonce=nonce) is not None:
        return False
    try:
        message_post(
            case=case,
            body=data["body"],
            visibility=Visibility.CUSTOMER,
            kind=MessageKind.FROM_CUSTOMER,
            by=Actor.customer(),
        )
    except BaseException:
        submission_release(nonce=nonce)
        raise
    return True


def _offer(case: Case | None, offer_id: int) -> Offer | None:
    if case is None:
        return None
    return case.offers.filter(pk=offer_id, status__in=SHOWN_OFFERS).first()


def _answer_form(action: str, offer: Offer, data):
    auto_id = f"offer{offer.pk}-{action}-%s"
    if action == "counter":
        return CounterForm(data, auto_id=auto_id)
    if action == "decline":
        return DeclineForm(data, auto_id=auto_id)
    return None


def _answer(offer: Offer, action: str, data: dict) -> None:
    by = Actor.customer()
    if action == "accept":
        lifecycle.offer_accept(offer=offer, by=by)
    elif action == "decline":
        lifecycle.offer_decline(offer=offer, by=by, reason=data.get("reason", ""))
    else:
        lifecycle.offer_counter(
            offer=offer, by=by, counter_request=data["counter_request"]
        )


def back(token: str, anchor: str) -> HttpResponse:
    return redirect(reverse("portal:status", args=[token]) + f"#{anchor}")
