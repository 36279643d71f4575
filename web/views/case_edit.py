"""The case page's in-place edits: priority and category (`case_update`), and
the team (routing, `case_route`), answering with the refreshed "Case" panel."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from complaints.exceptions import DomainError, StaleVersion
from complaints.models import Case, Category
from complaints.services import case_update

from .. import forms
from ..selectors.case_page import case_facts, case_loaded
from ..selectors.inbox import forget_counts
from .base import case_or_404, run_action


def facts_response(
    request: HttpRequest,
    case: Case,
    form: forms.VersionedForm,
    call: Callable[[dict[str, Any]], Any],
    *,
    saved: str,
) -> HttpResponse:
    """Run `call` and answer with the sidebar's "Case" panel (htmx).

    htmx swaps only 2xx answers, so a refusal is shown inside the panel. A
    case the user may no longer see (routed away) sends them to the inbox.
    """
    error = ""
    if not form.is_valid():
        error = " ".join(m for msgs in form.errors.values() for m in msgs)
    else:
        try:
            call(form.cleaned_data)
        except StaleVersion:
            error = _(
                "Someone else changed this case first; reload to see what changed."
            )
        except DomainError as exc:
            error = exc.detail
        else:
            forget_counts(request.user)
    fresh = case_loaded(request.user, case.reference)
    if fresh is None:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("web:inbox")
        return response
    context = {
        **case_facts(case=fresh, user=request.user),
        "case": fresh,
        "facts_error": error,
        "facts_saved": "" if error else saved,
        "version_before": "" if error else form.cleaned_data["version"],
    }
    return render(request, "web/_case_facts.html", context)


@login_required
@require_POST
def case_details_edit(request: HttpRequest, reference: str) -> HttpResponse:
    """Change the case's priority or category (whichever `field` names)."""
    case = case_or_404(request, reference)
    form = forms.CaseDetailsForm(request.POST)

    def save(d: dict[str, Any]) -> Case:
        if d["field"] == "priority":
            changes = {"priority": d["priority"]}
        else:
            category = None
            if d["category"]:
                category = Category.objects.filter(pk=d["category"]).first()
                if category is None:
                    raise DomainError(_("No such category."), ["category"])
            changes = {"category": category}
        return case_update(
            case=case, by=request.user, expected_version=d["version"], **changes
        )

    if request.htmx:
        return facts_response(request, case, form, save, saved=_("Saved."))
    return run_action(
        request,
        case,
        key="details",
        form=form,
        call=save,
        success=_("Case details saved."),
    )
