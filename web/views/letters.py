"""Regulated handling on the case page: letters, four eyes, vulnerability and
the customer's representative. Each view parses a form and calls one service
of `regimes`; refusals (a letter lacking what its regime requires, one that
needs a second approval, the author approving their own) come back in place.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from complaints.exceptions import DomainError
from regimes.approvals import (
    letter_approval_approve,
    letter_approval_refuse,
    letter_approval_request,
    letter_approval_send,
)
from regimes.selectors import case_letter, letter_approvals_visible_to
from regimes.sending import letter_draft, letter_send
from regimes.support import (
    customer_representative_record,
    customer_representative_remove,
    customer_vulnerability_consent_withdraw,
    customer_vulnerability_record,
)

from .. import forms
from .base import case_or_404, refuse, render_case, run_action

DECISIONS = {
    "approve": (letter_approval_approve, _("Letter approved: it can be sent now.")),
    "refuse": (letter_approval_refuse, _("Letter refused: its author was told.")),
}


@login_required
@require_POST
def case_letter_action(request: HttpRequest, reference: str) -> HttpResponse:
    """Preview, send, or ask a second person to approve a letter."""
    case = case_or_404(request, reference)
    form = forms.LetterForm(request.POST)
    if form.is_valid() and form.cleaned_data["do"] == "preview":
        return _preview(request, case, form)

    def call(d):
        move = letter_approval_request if d["do"] == "request" else letter_send
        return move(case=case, by=request.user, **_letter(d))

    asked = form.is_valid() and form.cleaned_data["do"] == "request"
    return run_action(
        request,
        case,
        key="letter",
        form=form,
        call=call,
        success=_("Sent for approval: a lead or manager will read it.")
        if asked
        else _("Letter sent; it is kept exactly as sent."),
        anchor="#letters",
    )


def _letter(d: dict) -> dict:
    """The letter the form asks for, as the letter services take it (blank: none)."""
    return {
        "kind": d["kind"],
        "body": d["body"] or None,
        "outcome": d["outcome"] or None,
    }


def _preview(request: HttpRequest, case, form) -> HttpResponse:
    try:
        draft = letter_draft(case=case, **_letter(form.cleaned_data))
    except DomainError as exc:  # shown in place like any refusal
        problem = {"kind": "error", "detail": exc.detail}
        return refuse(
            request, case, status=409, key="letter", form=form, problem=problem
        )
    return render_case(
        request, case, failed="letter", form=form, extra={"draft": draft}
    )


@login_required
@require_GET
def case_letter_pdf(
    request: HttpRequest, reference: str, letter_id: int
) -> HttpResponse:
    """The letter exactly as sent (its PDF, else its text), for staff who may see
    the case."""
    case = case_or_404(request, reference)
    letter = case_letter(case, letter_id)
    if letter is None:
        raise Http404(_("No such letter."))
    name = f"{case.reference}-{letter.kind}-{letter.pk}"
    if letter.pdf:
        response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
        name += ".pdf"
    else:
        response = HttpResponse(letter.body, content_type="text/plain; charset=utf-8")
        name += ".txt"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def letter_approval_move(
    request: HttpRequest, approval_id: int, action: str
) -> HttpResponse:
    """Approve or refuse a letter (another lead or manager), or send it approved."""
    if action not in (*DECISIONS, "send"):
        raise Http404(_("No such action."))
    approval = letter_approvals_visible_to(request.user).filter(pk=approval_id).first()
    if approval is None:
        raise Http404(_("No such letter."))
    case = case_or_404(request, approval.case.reference)
    if action == "send":
        call, success = (
            lambda d: letter_approval_send(approval=approval, by=request.user),
            _("Approved letter sent; it is kept exactly as sent."),
        )
    else:
        move, success = DECISIONS[action]

        def call(d):
            return move(approval=approval, by=request.user, note=d["note"])

    return run_action(
        request,
        case,
        key="letter",
        form=forms.LetterDecisionForm(request.POST),
        call=call,
        success=success,
        anchor="#letters",
    )


# The customer's records on the case page: the form, its key on the page, the
# checkbox that ends the record, the services that record and end it, and the
# message on success. The form's other fields are the record service's own.
SUPPORT = {
    "support": (
        forms.VulnerabilityForm,
        "withdraw",
        customer_vulnerability_record,
        customer_vulnerability_consent_withdraw,
        _("Recorded: the customer's needs and the adjustments we make."),
    ),
    "representative": (
        forms.RepresentativeForm,
        "remove",
        customer_representative_record,
        customer_representative_remove,
        _("Recorded who represents the customer."),
    ),
}


def _support_action(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form_class, ending, record, end, success = SUPPORT[key]

    def call(d):
        if d[ending]:
            return end(customer=case.customer, by=request.user)
        fields = {name: value for name, value in d.items() if name != ending}
        return record(customer=case.customer, by=request.user, **fields)

    return run_action(
        request,
        case,
        key=key,
        form=form_class(request.POST),
        call=call,
        success=success,
        anchor="#support",
    )


@login_required
@require_POST
def case_vulnerability(request: HttpRequest, reference: str) -> HttpResponse:
    """Record the customer's vulnerability (with consent) or withdraw the consent."""
    return _support_action(request, reference, "support")


@login_required
@require_POST
def case_representative(request: HttpRequest, reference: str) -> HttpResponse:
    """Record (or remove) who represents the customer, with their authority."""
    return _support_action(request, reference, "representative")
