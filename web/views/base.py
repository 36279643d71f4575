"""Shared view helpers: load a visible case, render the case page, run an action.

`run_action` is the one way an action view calls a service: it validates the
form, turns every domain refusal into an inline message on the re-rendered
case page (never a 500) and redirects after a success.
"""

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from complaints.exceptions import (
    ActionForbidden,
    DomainError,
    InvalidInput,
    StaleVersion,
    TransitionRefused,
)
from complaints.lifecycle import describe
from complaints.models import Case, Stage
from complaints.selectors import case_visible

from .. import forms
from ..selectors.case_page import case_loaded, case_page
from ..selectors.history import customer_history
from ..selectors.inbox import forget_counts

SIDEBAR_CASES = 6
# Which panel of the case page shows a form's refusal (the stepper otherwise).
PANEL_OF = {
    "offer": "offers",
    "message": "messages",
    "followup": "followups",
    "consent": "followups",
    "links": "links",
    "promise": "promises",
    "merge": "duplicates",
}


def case_or_404(request: HttpRequest, reference: str) -> Case:
    """The case if the user may see it; 404 otherwise (never reveal it exists)."""
    case = case_loaded(request.user, reference)
    if case is None:
        raise Http404("No such case.")
    return case


def default_forms(case: Case) -> dict[str, django_forms.Form]:
    v = {"version": case.version}
    return {
        "listening": forms.ListeningForm(
            initial={
                **v,
                "customer_account": case.customer_account,
                "restatement": case.restatement,
                "apology": forms.SUGGESTED_APOLOGY,
            }
        ),
        "outcome": forms.OutcomeForm(
            initial={
                **v,
                "desired_outcome": case.desired_outcome,
                "declined": case.desired_outcome_declined,
            }
        ),
        "resolve": forms.ResolveForm(
            initial={**v, "resolution_summary": case.resolution_summary}
        ),
        "skip": forms.SkipForm(initial=v, stage=case.stage),
        "reopen": forms.ReopenForm(initial=v),
        "close": forms.CloseForm(initial=v),
        "message": forms.MessageForm(),
        "offer": forms.OfferForm(),
        "followup": forms.FollowUpForm(),
        "promise": forms.PromiseForm(initial={"customer_facing": True}),
    }


def render_case(
    request: HttpRequest,
    case: Case,
    *,
    status: int = 200,
    failed: str = "",
    form: django_forms.Form | None = None,
    problem: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Render the case page; `form` (under key `failed`) keeps what the user typed."""
    now = timezone.now()
    context = case_page(case=case, user=request.user, now=now)
    page_forms = default_forms(case)
    if form is not None and failed in page_forms:
        page_forms[failed] = form
    history = customer_history(
        customer=case.customer, user=request.user, now=now, current=case, limit=50
    )
    context.update(
        case=case,
        forms=page_forms,
        failed=failed,
        problem=problem,
        problem_panel=PANEL_OF.get(failed, "step"),
        history=history,
        sidebar_cases=[c for c in history.cases if c.pk != case.pk][:SIDEBAR_CASES],
        Stage=Stage,
        **(extra or {}),
    )
    return render(request, "web/case.html", context, status=status)


def run_action(
    request: HttpRequest,
    case: Case,
    *,
    key: str,
    form: django_forms.Form,
    call: Callable[[dict[str, Any]], Any],
    success: str,
    anchor: str = "",
    may_leave: bool = False,
) -> HttpResponse:
    """Validate, call the service, and redirect; re-render with the reason on refusal.

    A refusal by role is 403, any other refusal 409. With `may_leave` (assign,
    route), a case the user may no longer see sends them to the inbox.
    """
    if not form.is_valid():
        return render_case(request, case, status=400, failed=key, form=form)
    try:
        call(form.cleaned_data)
    except StaleVersion as exc:
        fresh = case_loaded(request.user, case.reference) or case
        problem = {"kind": "stale", "detail": exc.detail}
        return render_case(
            request, fresh, status=409, failed=key, form=form, problem=problem
        )
    except TransitionRefused as exc:
        problem = {
            "kind": "refused",
            "to": Stage(exc.to).label if exc.to in Stage.values else exc.to,
            "missing": describe(exc.missing),
        }
        return render_case(
            request, case, status=409, failed=key, form=form, problem=problem
        )
    except DomainError as exc:
        problem = {"kind": "error", "detail": exc.detail}
        code = (
            403
            if isinstance(exc, ActionForbidden)
            else 400
            if isinstance(exc, InvalidInput)
            else 409
        )
        return render_case(
            request, case, status=code, failed=key, form=form, problem=problem
        )
    forget_counts(request.user)
    messages.success(request, success)
    if may_leave and not case_visible(request.user, case):
        return redirect("web:inbox")
    return redirect(case.get_absolute_url() + anchor)
