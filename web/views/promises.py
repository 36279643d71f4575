"""Service recovery on the case page: promises (record, confirm, keep) and merging."""

from django import forms as django_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from complaints.selectors import case_for_user
from service_recovery.duplicates import case_merge
from service_recovery.promises import PromiseRefused, promise_keep, promise_make
from service_recovery.selectors import promises_visible_to

from .. import forms
from .base import case_or_404, run_action


@login_required
@require_POST
def promise_create(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    return run_action(
        request,
        case,
        key="promise",
        form=forms.PromiseForm(request.POST),
        call=lambda d: promise_make(
            case=case,
            text=d["text"],
            due_at=d["due_at"],
            owner=_owner(d["owner"], request.user),
            customer_facing=d["customer_facing"],
            by=request.user,
        ),
        success=_("Promise recorded: its owner is reminded before it is due."),
        anchor="#promises",
    )


def _owner(user_id: int | None, default):
    """The staff member picked to keep it (the person recording it if none)."""
    if user_id is None:
        return default
    owner = get_user_model().objects.filter(pk=user_id).first()
    if owner is None:
        raise PromiseRefused(_("No such person to keep the promise."), ["owner"])
    return owner


@login_required
@require_POST
def promise_kept(request: HttpRequest, promise_id: int) -> HttpResponse:
    promise = promises_visible_to(request.user).filter(pk=promise_id).first()
    if promise is None:
        raise Http404(_("No such promise."))
    case = case_or_404(request, promise.case.reference)
    return run_action(
        request,
        case,
        key="promise",
        form=django_forms.Form(request.POST),
        call=lambda d: promise_keep(promise=promise, by=request.user),
        success=_("Promise kept."),
        anchor="#promises",
    )


@login_required
@require_POST
def case_merge_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Merge a likely duplicate: the newer case closes into the older one."""
    case = case_or_404(request, reference)
    form = forms.MergeForm(request.POST)

    def merge(d):
        other = case_for_user(request.user, d["other"].strip().upper())
        if other is None:
            raise PromiseRefused(_("No such case to merge with."), ["other"])
        case_merge(case=case, other=other, by=request.user)

    return run_action(
        request,
        case,
        key="merge",
        form=form,
        call=merge,
        success=_(
            "Merged: the newer case is closed as a duplicate; its messages moved."
        ),
        anchor="#duplicates",
    )
