"""Shared view helpers: load a visible case, render the case page, run an action.

`run_action` is the one way an action view calls a service: it validates the
form, turns every domain refusal into an inline message (never a 500) and
redirects after a success. A refused panel form (offers, messages, follow-ups,
close) answers in place: the panel alone for htmx, else a redirect back to the
panel with the input kept in the session (`refuse`, `recall_refusal`).
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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
from customers.selectors import representative_of, vulnerability_of

from .. import forms
from ..selectors.case_page import case_loaded, case_page
from ..selectors.history import customer_history
from ..selectors.inbox import forget_counts
from ..selectors.live import case_live_state, others_present

SIDEBAR_CASES = 6
REFUSAL_KEY = "web:refused"
# Forms whose refusal answers in place: key → (panel id, panel template).
IN_PLACE = {
    "offer": ("offers", "web/_case_offers.html"),
    "message": ("messages", "web/_case_messages.html"),
    "followup": ("followups", "web/_case_followups.html"),
    "consent": ("followups", "web/_case_followups.html"),
    "close": ("step", "web/_case_step.html"),
    "letter": ("letters", "web/_case_letters.html"),
    "support": ("support", "web/_case_support.html"),
    "representative": ("support", "web/_case_support.html"),
}
# Which panel of the case page shows a form's refusal (the stepper otherwise).
PANEL_OF = {
    "offer": "offers",
    "message": "messages",
    "followup": "followups",
    "consent": "followups",
    "links": "links",
    "attachments": "attachments",
    "promise": "promises",
    "merge": "duplicates",
    "letter": "letters",
    "support": "support",
    "representative": "support",
}


def case_or_404(request: HttpRequest, reference: str) -> Case:
    """The case if the user may see it; 404 otherwise (never reveal it exists)."""
    case = case_loaded(request.user, reference)
    if case is None:
        raise Http404(_("No such case."))
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
        "attachments": forms.AttachmentForm(),
        "promise": forms.PromiseForm(initial={"customer_facing": True}),
        "letter": forms.LetterForm(),
        **support_forms(case),
    }


def support_forms(case: Case) -> dict[str, django_forms.Form]:
    """The vulnerability and representative forms, filled with what is recorded."""
    vulnerability = vulnerability_of(case.customer)
    rep = representative_of(case.customer)
    return {
        "support": forms.VulnerabilityForm(
            initial={
                "drivers": vulnerability.drivers,
                "adjustments": vulnerability.adjustments,
            }
            if vulnerability
            else {}
        ),
        "representative": forms.RepresentativeForm(
            initial={
                "name": rep.name,
                "kind": rep.kind,
                "email": rep.email,
                "authority": rep.authority,
                "receives_letters": rep.receives_letters,
            }
            if rep
            else {}
        ),
    }


def case_context(
    request: HttpRequest,
    case: Case,
    *,
    failed: str = "",
    form: django_forms.Form | None = None,
    problem: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What the case page (or one of its panels) renders; `form` keeps the input."""
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
    return context


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
    """Render the case page; `form` (under key `failed`) keeps what the user typed.

    A refusal remembered by `refuse` (no JavaScript) is shown once, here.
    """
    if not failed:
        failed, form, problem, extra = recall_refusal(request, case)
    context = case_context(
        request, case, failed=failed, form=form, problem=problem, extra=extra
    )
    events = context["events"]
    live = case_live_state(
        case=case, user=request.user, seen=events[-1].pk if events else 0
    )
    live["names"] = others_present(case=case, user=request.user, ids=live["others"])
    context["live"] = live
    return render(request, "web/case.html", context, status=status)


def refuse(
    request: HttpRequest,
    case: Case,
    *,
    status: int,
    key: str,
    form: django_forms.Form,
    problem: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Answer a refused form: in its panel, never on the POST URL.

    With htmx the panel comes back alone with status 422 (static/redress.js
    swaps it and focuses the error); without, the input and the reason go to
    the session and the browser is sent back to the case page's panel.
    Forms outside IN_PLACE re-render the whole page with `status`.
    """
    if key not in IN_PLACE:
        return render_case(
            request,
            case,
            status=status,
            failed=key,
            form=form,
            problem=problem,
            extra=extra,
        )
    panel, template = IN_PLACE[key]
    if problem is None and status == 400:
        problem = {"kind": "error", "detail": _("Check what you typed below.")}
    if request.headers.get("HX-Request") == "true":
        context = case_context(
            request, case, failed=key, form=form, problem=problem, extra=extra
        )
        return render(request, template, context, status=422)
    data = {
        name: request.POST.getlist(name)
        for name in request.POST
        if name != "csrfmiddlewaretoken"
    }
    request.session[REFUSAL_KEY] = {
        "case": case.reference,
        "key": key,
        "form": type(form).__name__,
        "data": data,
        "problem": _plain(problem),
        "extra": _plain(extra),
    }
    return redirect(case.get_absolute_url() + f"#{panel}")


def recall_refusal(request: HttpRequest, case: Case) -> tuple:
    """The refusal `refuse` left for this case (once), as (key, form, problem, extra)."""
    saved = request.session.get(REFUSAL_KEY) if hasattr(request, "session") else None
    if not saved or saved.get("case") != case.reference:
        return "", None, None, None
    del request.session[REFUSAL_KEY]
    form_class = getattr(forms, str(saved.get("form")), None)
    form = None
    if isinstance(form_class, type) and issubclass(form_class, django_forms.Form):
        data = QueryDict(mutable=True)
        for name, values in (saved.get("data") or {}).items():
            data.setlist(name, values)
        form = form_class(data)
        form.is_valid()  # show its field errors again
    return saved.get("key", ""), form, saved.get("problem"), saved.get("extra")


def succeed(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect after a success; an htmx panel form reloads or leaves the whole page.

    Going to the page already shown (only the #anchor differs) would not load
    it again, so htmx is told to refresh it instead (the scroll position stays).
    """
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        current = urlsplit(request.headers.get("HX-Current-URL", "")).path
        if current == urlsplit(url).path:
            response["HX-Refresh"] = "true"
        else:
            response["HX-Redirect"] = url
        return response
    return redirect(url)


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
        return refuse(request, case, status=400, key=key, form=form)
    try:
        call(form.cleaned_data)
    except StaleVersion as exc:
        fresh = case_loaded(request.user, case.reference) or case
        problem = {"kind": "stale", "detail": exc.detail}
        return refuse(request, fresh, status=409, key=key, form=form, problem=problem)
    except TransitionRefused as exc:
        problem = {
            "kind": "refused",
            "to": str(Stage(exc.to).label) if exc.to in Stage.values else exc.to,
            "missing": [str(item) for item in describe(exc.missing)],
        }
        return refuse(request, case, status=409, key=key, form=form, problem=problem)
    except DomainError as exc:
        problem = {"kind": "error", "detail": str(exc.detail)}
        code = (
            403
            if isinstance(exc, ActionForbidden)
            else 400
            if isinstance(exc, InvalidInput)
            else 409
        )
        return refuse(request, case, status=code, key=key, form=form, problem=problem)
    forget_counts(request.user)
    messages.success(request, success)
    if may_leave and not case_visible(request.user, case):
        return succeed(request, reverse("web:inbox"))
    return succeed(request, case.get_absolute_url() + anchor)


def _plain(value: Any) -> Any:
    """`value` with its lazily translated wording made plain strings, for the
    session's JSON."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
