"""Bulk actions from the inbox: parse the ticked rows, call `cases_bulk_apply`."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from complaints.bulk import BulkAction, BulkOutcome, cases_bulk_apply
from complaints.exceptions import DomainError
from complaints.selectors import case_for_user
from teams.models import Team

from .. import forms
from ..selectors.inbox import forget_counts

User = get_user_model()


def _bulk_call(request: HttpRequest, data: dict) -> list[BulkOutcome]:
    """Resolve the form's names to objects the way the single actions do."""
    assignee = team = kept = None
    if data["action"] == BulkAction.ASSIGN and data["assignee"] != "none":
        if data["assignee"] == "me":
            assignee = request.user
        else:
            assignee = User.objects.filter(pk=int(data["assignee"])).first()
            if assignee is None:
                raise DomainError(gettext("No such person."), ["assignee"])
    if data["action"] == BulkAction.ROUTE:
        team = Team.objects.filter(pk=data["team"]).first()
        if team is None:
            raise DomainError(gettext("No such team."), ["team"])
    if data["action"] == BulkAction.CLOSE_DUPLICATE:
        # An unseen or unknown kept case is refused by the lifecycle, per case.
        kept = case_for_user(request.user, data["duplicate_of"].strip().upper())
    return cases_bulk_apply(
        user=request.user,
        selection=data["cases"],
        action=data["action"],
        assignee=assignee,
        team=team,
        priority=data["priority"],
        duplicate_of=kept,
    )


@login_required
@require_POST
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    """Apply one action to the ticked cases; answer with what each case did."""
    form = forms.BulkForm(request.POST)
    outcomes: list[BulkOutcome] = []
    error = ""
    if not form.is_valid():
        error = " ".join(m for msgs in form.errors.values() for m in msgs)
    else:
        try:
            outcomes = _bulk_call(request, form.cleaned_data)
        except DomainError as exc:
            error = exc.detail
        else:
            forget_counts(request.user)
    context = {
        "outcomes": outcomes,
        "done": [o for o in outcomes if o.done],
        "refused": [o for o in outcomes if not o.done],
        "error": error,
        "action": BulkAction(form.cleaned_data["action"]).label
        if form.cleaned_data.get("action")
        else "",
        "back": request.POST.get("back", "")[:500],
    }
    template = "web/_bulk_results.html" if request.htmx else "web/bulk_results.html"
    return render(request, template, context, status=400 if error else 200)
