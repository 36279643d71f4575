"""The case page and the actions that move a case through the method."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from complaints import lifecycle
from complaints.assignment import route_check
from complaints.exceptions import ActionForbidden, DomainError
from complaints.links import case_links_revoke
from complaints.models import Stage
from complaints.pitch import pitch_warnings
from complaints.selectors import case_for_user
from complaints.services import (
    case_assign,
    case_route,
    case_set_awaiting_customer,
    case_update,
    message_post,
)
from teams.models import Team

from .. import forms
from .base import case_or_404, refuse, render_case, run_action

User = get_user_model()


@login_required
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return render_case(request, case_or_404(request, reference))


def _move(case, to, user, data, **fields):
    return lifecycle.transition(
        case, to, by=user, expected_version=data["version"], **fields
    )


@login_required
@require_POST
def case_start(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    return run_action(
        request,
        case,
        key="start",
        form=forms.VersionedForm(request.POST),
        call=lambda d: _move(case, Stage.LISTENING, request.user, d),
        success=_("Now listening: let the customer tell the whole story."),
    )


def _notes_step(
    request: HttpRequest,
    case,
    form,
    *,
    key: str,
    notes: tuple,
    to: str,
    extra,
    saved: str,
    moved: str,
) -> HttpResponse:
    """Save a step's notes (`action=save`), or move the case on with them.

    `notes` name the form fields kept on the case either way; `extra(d)` gives
    what only the move takes.
    """
    saving = request.POST.get("action") == "save"

    def call(d):
        kept = {name: d[name] for name in notes}
        if saving:
            return case_update(
                case=case, by=request.user, expected_version=d["version"], **kept
            )
        return _move(case, to, request.user, d, **kept, **extra(d))

    success = saved if saving else moved
    return run_action(request, case, key=key, form=form, call=call, success=success)


@login_required
@require_POST
def case_listening(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = forms.ListeningForm(request.POST)
    return _notes_step(
        request,
        case,
        form,
        key="listening",
        notes=("customer_account", "restatement"),
        to=Stage.ACKNOWLEDGED,
        extra=lambda d: {"apology": form.apology_text()},
        saved=_("Notes saved."),
        moved=_("Apology sent; the case is acknowledged."),
    )


@login_required
@require_POST
def case_outcome(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    return _notes_step(
        request,
        case,
        forms.OutcomeForm(request.POST),
        key="outcome",
        notes=("desired_outcome",),
        to=Stage.RESOLVING,
        extra=lambda d: {"desired_outcome_declined": d["declined"]},
        saved=_("Desired outcome saved."),
        moved=_("Now resolving: make an offer that puts it right."),
    )


@login_required
@require_POST
def case_resolve(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    return run_action(
        request,
        case,
        key="resolve",
        form=forms.ResolveForm(request.POST),
        call=lambda d: _move(
            case,
            Stage.RESOLVED,
            request.user,
            d,
            resolution_summary=d["resolution_summary"],
        ),
        success=_("Resolved. Plan the follow-ups next."),
    )


@login_required
@require_POST
def case_skip(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    return run_action(
        request,
        case,
        key="skip",
        form=forms.SkipForm(request.POST, stage=case.stage),
        call=lambda d: _move(
            case,
            d["to"],
            request.user,
            d,
            skip_reason=d["skip_reason"],
            apology=d["apology"],
            resolution_summary=d["resolution_summary"],
        ),
        success=_("Steps skipped; the reason is on the timeline."),
    )


@login_required
@require_POST
def case_reopen(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    return run_action(
        request,
        case,
        key="reopen",
        form=forms.ReopenForm(request.POST),
        call=lambda d: _move(
            case, Stage.LISTENING, request.user, d, reason=d["reason"]
        ),
        success=_("Reopened: listen to the customer again."),
    )


@login_required
@require_POST
def case_close(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = forms.CloseForm(request.POST)

    def close(d):
        ref = d["duplicate_of"].strip().upper()
        kept = case_for_user(request.user, ref) if ref else None
        return _move(
            case,
            Stage.CLOSED,
            request.user,
            d,
            close_reason=d["close_reason"],
            duplicate_of=kept,
            reason=d["reason"],
        )

    return run_action(
        request, case, key="close", form=form, call=close, success=_("Case closed.")
    )


@login_required
@require_POST
def case_links_revoke_view(request: HttpRequest, reference: str) -> HttpResponse:
    """End the customer's status and survey links (any staff who may see the case)."""
    case = case_or_404(request, reference)
    return run_action(
        request,
        case,
        key="links",
        form=forms.RevokeLinksForm(request.POST),
        call=lambda d: case_links_revoke(
            case=case, by=request.user, reason=d["reason"]
        ),
        success=_(
            "Links revoked. Old status and survey links no longer open the case."
        ),
        anchor="#links",
    )


@login_required
@require_POST
def case_take(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = forms.VersionedForm(request.POST)

    def take(d):
        return case_assign(
            case=case,
            assignee=request.user,
            by=request.user,
            expected_version=d["version"],
        )

    return _hand_on(
        request, case, form, take, key="assign", success=_("The case is yours.")
    )


@login_required
@require_POST
def case_assign_view(request: HttpRequest, reference: str) -> HttpResponse:

    case = case_or_404(request, reference)

    def assign(d):
        assignee = None
        if d["assignee"]:
            assignee = User.objects.filter(pk=d["assignee"]).first()
            if assignee is None:
                raise DomainError(_("No such person."), ["assignee"])
        return case_assign(
            case=case, assignee=assignee, by=request.user, expected_version=d["version"]
        )

    form = forms.AssignForm(request.POST)
    return _hand_on(
        request, case, form, assign, key="assign", success=_("Assignment saved.")
    )


@login_required
@require_POST
def case_route_view(request: HttpRequest, reference: str) -> HttpResponse:

    case = case_or_404(request, reference)
    try:
        # Who may route is settled before the form is read.
        route_check(case=case, by=request.user)
    except ActionForbidden as exc:
        raise PermissionDenied(exc.detail) from None

    def route(d):
        team = Team.objects.filter(pk=d["team"]).first()
        if team is None:
            raise DomainError(_("No such team."), ["team"])
        return case_route(
            case=case, team=team, by=request.user, expected_version=d["version"]
        )

    form = forms.RouteForm(request.POST)
    if request.htmx and request.POST.get("from") == "sidebar":
        from .case_edit import facts_response

        return facts_response(request, case, form, route, saved=_("Routed."))
    return _hand_on(
        request, case, form, route, key="route", success=_("Routed to the team.")
    )


def _hand_on(request, case, form, call, *, key: str, success: str) -> HttpResponse:
    """Answer a take, assignment or routing: its inbox row when asked from the
    inbox (htmx), else the case page (the inbox, for a case no longer seen)."""
    from .inbox import row_response

    if request.htmx and request.POST.get("from") == "inbox":
        return row_response(request, case, form, call)
    return run_action(
        request, case, key=key, form=form, call=call, success=success, may_leave=True
    )


@login_required
@require_POST
def case_awaiting(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    awaiting = request.POST.get("awaiting") == "1"
    return run_action(
        request,
        case,
        key="awaiting",
        form=forms.VersionedForm(request.POST),
        call=lambda d: case_set_awaiting_customer(
            case=case, awaiting=awaiting, by=request.user
        ),
        success=_("Waiting on the customer; the resolution clock is paused.")
        if awaiting
        else _("No longer waiting on the customer; the clock runs again."),
    )


@login_required
@require_POST
def case_message(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = forms.MessageForm(request.POST)
    warnings: list[str] = []
    if form.is_valid() and form.cleaned_data["visibility"] == "customer":
        warnings = pitch_warnings(form.cleaned_data["body"])
        if warnings and not form.cleaned_data["send_anyway"]:
            return refuse(
                request,
                case,
                status=200,
                key="message",
                form=form,
                extra={"pitch": warnings},
            )
    return run_action(
        request,
        case,
        key="message",
        form=form,
        call=lambda d: message_post(
            case=case,
            body=d["body"],
            visibility=d["visibility"],
            by=request.user,
            pitch_warning=bool(warnings),
        ),
        success=_("Message added."),
        anchor="#messages",
    )


@login_required
@require_POST
def pitch_check(request: HttpRequest) -> HttpResponse:
    """Warn while typing (htmx); nothing is stored."""
    body = request.POST.get("body", "")[:20000]
    customer = request.POST.get("visibility") == "customer"
    warnings = pitch_warnings(body) if customer else []
    return render(request, "web/_pitch.html", {"pitch": warnings, "live": True})
