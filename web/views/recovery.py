"""Service-recovery pages: incidents (managers) and problems (leads, managers).

Who sees what is `service_recovery.selectors` (incidents: managers;
problems: through the cases a lead may see); linking customers from a CSV is
`service_recovery.incident_import`. These views parse, check and render.
"""

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from complaints.exceptions import DomainError
from service_recovery import incident_import, incidents, selectors
from service_recovery.models import Incident
from teams.selectors import is_lead_or_manager, is_manager

from .base import case_or_404

LIST_SIZE = 100
CUSTOMERS_SHOWN = 50


class IncidentCloseForm(django_forms.Form):
    closing_message = django_forms.CharField(
        label=_("Closing message (optional)"),
        help_text=_(
            "Emailed once to each customer told about the incident who "
            "agreed to be contacted; leave it empty to close without emailing."
        ),
        required=False,
        max_length=incidents.CLOSING_MESSAGE_MAX,
        widget=django_forms.Textarea(attrs={"rows": 4}),
    )


class CustomerImportForm(django_forms.Form):
    file = django_forms.FileField(
        label=_("CSV of customer emails or external refs"),
        help_text=format_lazy(
            _("First column of each row; at most {rows} rows."),
            rows=incident_import.IMPORT_MAX_ROWS,
        ),
        widget=django_forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


@login_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    """The incidents, newest first (managers)."""
    if not is_manager(request.user):
        raise PermissionDenied(gettext("Only managers run incidents."))
    rows = selectors.incidents_visible_to(request.user)[:LIST_SIZE]
    return render(request, "web/incidents.html", {"incidents": rows})


@login_required
@require_http_methods(["GET", "POST"])
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    """One incident: its counts and customers; POST a CSV to link customers."""
    incident = get_object_or_404(
        selectors.incidents_visible_to(request.user), pk=incident_id
    )
    form, report, status = CustomerImportForm(), None, 200
    if request.method == "POST":
        form = CustomerImportForm(request.POST, request.FILES)
        report, status = _import(request, form, incident)
        if report is not None:
            incident = selectors.incidents_visible_to(request.user).get(pk=incident.pk)
    return _render_incident(request, incident, status, form=form, report=report)


def _render_incident(
    request: HttpRequest, incident: Incident, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {
        "incident": incident,
        "customers": incident.customers.order_by("name", "pk")[:CUSTOMERS_SHOWN],
        "form": CustomerImportForm(),
        "close_form": IncidentCloseForm(),
        "report": None,
        **extra,
    }
    return render(request, "web/incident.html", context, status=status)


@login_required
@require_POST
def incident_close(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Close the incident, emailing the optional closing message (managers)."""
    visible = selectors.incidents_visible_to(request.user)
    incident = get_object_or_404(visible, pk=incident_id)
    form = IncidentCloseForm(request.POST)
    if not form.is_valid():
        return _render_incident(request, incident, 400, close_form=form)
    try:
        notified = incidents.incident_close(
            incident=incident,
            by=request.user,
            closing_message=form.cleaned_data["closing_message"],
        )
    except DomainError as exc:
        form.add_error(None, exc.detail)
        return _render_incident(request, incident, 409, close_form=form)
    messages.success(
        request,
        ngettext(
            "Incident closed; %(count)d customer sent the closing message.",
            "Incident closed; %(count)d customers sent the closing message.",
            notified,
        )
        % {"count": notified},
    )
    return redirect("web:incident", incident_id=incident.pk)


def _import(
    request: HttpRequest, form: CustomerImportForm, incident: Incident
) -> tuple[incident_import.ImportReport | None, int]:
    """Run the upload through the import service: (report or None, status)."""
    if not form.is_valid():
        return None, 400
    upload = form.cleaned_data["file"]
    limit = incident_import.IMPORT_MAX_BYTES
    if upload.size > limit:
        form.add_error(
            "file", gettext("The file is over %(limit)s bytes.") % {"limit": limit}
        )
        return None, 413
    try:
        report = incident_import.incident_import_customers(
            incident=incident, data=upload.read(), by=request.user
        )
    except DomainError as exc:
        form.add_error("file", exc.detail)
        return None, 422
    return report, 200


@login_required
@require_POST
def case_incident_link(
    request: HttpRequest, reference: str, incident_id: int
) -> HttpResponse:
    """Link the case to an incident suggested for it (leads and managers)."""
    if not is_lead_or_manager(request.user):
        raise PermissionDenied(
            gettext("Only team leads and managers link cases to incidents.")
        )
    case = case_or_404(request, reference)
    suggested = selectors.incident_suggestions(case, user=request.user)
    incident = next((i for i in suggested if i.pk == incident_id), None)
    if incident is None:
        if not case.incident_links.filter(
            incident_id=incident_id, incident__closed_at__isnull=True
        ).exists():
            raise Http404("No such incident suggested for this case.")
        messages.info(request, gettext("The case is already linked to that incident."))
        return redirect(reverse("web:case", args=[case.reference]) + "#promises")
    try:
        incidents.incident_link_cases(incident=incident, cases=[case], by=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            gettext("Linked to the incident “%(title)s”.") % {"title": incident.title},
        )
    return redirect(reverse("web:case", args=[case.reference]) + "#promises")


@login_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    """Problems the user may see, newest first, with the count of their cases."""
    if not selectors.may_see_problems(request.user):
        raise PermissionDenied(gettext("Only team leads and managers work problems."))
    problems = selectors.problems_visible_to(request.user).order_by("-opened_at", "-pk")
    return render(request, "web/problems.html", {"problems": problems[:LIST_SIZE]})


@login_required
@require_GET
def problem_detail(request: HttpRequest, problem_id: int) -> HttpResponse:
    """One problem with the cases the user may see."""
    problem = get_object_or_404(
        selectors.problems_visible_to(request.user), pk=problem_id
    )
    context = {
        "problem": problem,
        "cases": selectors.problem_cases_visible_to(request.user, problem),
        "actions": problem.actions.select_related("by").order_by("created_at"),
        "effect": selectors.problem_effect_for(request.user, problem),
    }
    return render(request, "web/problem.html", context)
