"""Saving and deleting inbox views (the rules are in `web.saved_views`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from complaints.exceptions import DomainError
from config.numbers import whole_number
from teams.models import Team
from teams.selectors import team_ids_of

from ..saved_views import saved_view_create, saved_view_delete, saved_views_for
from ..selectors.inbox import queues_for
from .inbox import parse_filters


@login_required
@require_POST
def saved_view_save(request: HttpRequest) -> HttpResponse:
    query = QueryDict(request.POST.get("query", "")[:2000])
    filters = parse_filters(
        query, default_queue="mine", keys={q.key for q in queues_for(request.user)}
    )
    team_id = request.POST.get("team", "")
    team = None
    if (pk := whole_number(team_id)) is not None and pk in team_ids_of(request.user):
        team = Team.objects.get(pk=pk)
    try:
        view = saved_view_create(
            user=request.user,
            name=request.POST.get("name", "")[:200],
            filters=filters,
            team=team,
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect(f"/?{query.urlencode()}")
    messages.success(request, _("Saved the view “%(name)s”.") % {"name": view.name})
    return redirect(f"/?{view.query}")


@login_required
@require_POST
def saved_view_remove(request: HttpRequest, view_id: int) -> HttpResponse:
    view = saved_views_for(request.user).filter(pk=view_id).first()
    if view is None:
        raise Http404(_("No such view."))
    try:
        saved_view_delete(user=request.user, view=view)
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("web:inbox")
