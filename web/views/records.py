"""Retention and data rights on the customer page (managers): the subject
access export (JSON, PDF) and legal holds on the customer or one of their
cases. Who may do it is decided by `records` (one rule for the page and the
API); these views parse, call one service and answer.
"""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from complaints.bounds import validate_text
from complaints.exceptions import DomainError
from customers.selectors import customer_for
from records.export import (
    ExportForbidden,
    customer_for_export,
    subject_access_export,
    subject_access_pdf,
)
from records.holds import (
    REASON_MAX,
    legal_hold_lift,
    legal_hold_place,
    may_manage_records,
)
from records.models import LegalHold


class HoldForm(forms.Form):
    reason = forms.CharField(max_length=REASON_MAX, validators=[validate_text])
    case = forms.CharField(max_length=20, required=False)


@login_required
@require_GET
def customer_export(request: HttpRequest, customer_id: int, fmt: str) -> HttpResponse:
    if fmt not in ("json", "pdf"):
        raise Http404(_("No such format."))
    try:
        customer = customer_for_export(request.user, customer_id)
    except ExportForbidden as exc:
        raise PermissionDenied(exc.detail) from exc
    if customer is None:
        raise Http404(_("No such customer."))
    data = subject_access_export(customer=customer, by=request.user, fmt=fmt, via="web")
    if fmt == "pdf":
        body = subject_access_pdf(data)
        if body is None:
            messages.error(
                request, _("A PDF cannot be made here: take the JSON export.")
            )
            return redirect("web:customer", customer_id=customer.pk)
        response = HttpResponse(body, content_type="application/pdf")
    else:
        body = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"subject-access-{customer.pk}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _managed_customer(request: HttpRequest, customer_id: int):
    customer = customer_for(request.user, customer_id)
    if customer is None:
        raise Http404(_("No such customer."))
    if not may_manage_records(request.user):
        raise PermissionDenied(_("Only managers place and lift legal holds."))
    return customer


@login_required
@require_POST
def customer_hold(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Hold the customer, or (with `case`) one of their cases."""
    customer = _managed_customer(request, customer_id)
    form = HoldForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Give the reason for the hold (at most 2000 characters).")
        )
        return redirect("web:customer", customer_id=customer.pk)
    reference = form.cleaned_data["case"]
    case = customer.cases.filter(reference=reference).first() if reference else None
    if reference and case is None:
        raise Http404(_("No such case of this customer."))
    try:
        if case is None:
            legal_hold_place(
                customer=customer, reason=form.cleaned_data["reason"], by=request.user
            )
        else:
            legal_hold_place(
                case=case, reason=form.cleaned_data["reason"], by=request.user
            )
    except DomainError as refused:
        messages.error(request, refused.detail)
    else:
        messages.success(
            request, _("Legal hold placed: nothing it covers is anonymised.")
        )
    return redirect("web:customer", customer_id=customer.pk)


@login_required
@require_POST
def hold_lift(request: HttpRequest, hold_id: int) -> HttpResponse:
    hold = LegalHold.objects.select_related("case").filter(pk=hold_id).first()
    if hold is None:
        raise Http404(_("No such hold."))
    customer_id = hold.customer_id or hold.case.customer_id
    _managed_customer(request, customer_id)
    form = HoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for lifting the hold."))
        return redirect("web:customer", customer_id=customer_id)
    try:
        legal_hold_lift(hold=hold, reason=form.cleaned_data["reason"], by=request.user)
    except DomainError as refused:
        messages.error(request, refused.detail)
    else:
        messages.success(request, _("Legal hold lifted."))
    return redirect("web:customer", customer_id=customer_id)
