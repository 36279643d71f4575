"""The live pages' polls: the inbox and the case page ask every few seconds.

static/live.js sends the ETag the page holds; while nothing changed the answer
is an empty 304 after a query or two. When something did, the inbox answers
with the page (live.js swaps the queue counts and the list) and the case page
with who else is there, who changed it, and the timeline.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from complaints.selectors import case_for_user
from config.numbers import whole_number

from ..selectors.inbox import inbox_counts_cached
from ..selectors.live import (
    bell_stamp,
    case_live_state,
    changed_by_others,
    inbox_stamp,
    others_present,
)
from .inbox import inbox_context, inbox_etag

BOUND = 10**12  # page versions and event ids beyond this are nonsense


def _fresh(request: HttpRequest, etag: str) -> bool:
    return etag in request.headers.get("If-None-Match", "")


def _answer(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _not_modified(etag: str) -> HttpResponse:
    return _answer(HttpResponseNotModified(), etag)


@login_required
@require_GET
def inbox_live(request: HttpRequest) -> HttpResponse:
    """The inbox's poll: 304 while unchanged, else the page (messages left alone)."""
    stamp = inbox_stamp(request.user)
    counts = inbox_counts_cached(user=request.user, now=timezone.now(), stamp=stamp)
    etag = inbox_etag(request, stamp=stamp, counts=counts)
    if _fresh(request, etag):
        return _not_modified(etag)
    context, _ = inbox_context(request)
    # Flash messages belong to the page the user loads, not to a poll.
    context["messages"] = ()
    response = render(request, "web/inbox.html", context)
    return _answer(response, context["live_etag"])


def _number(request: HttpRequest, name: str) -> int:
    value = request.GET.get(name, "")
    number = whole_number(value)
    return number if number is not None and number < BOUND else 0


@login_required
@require_GET
def case_live(request: HttpRequest, reference: str) -> HttpResponse:
    """The case page's poll (`seen`: the newest timeline event the page shows).

    404 to whoever may not see the case, as the case page itself.
    """
    case = case_for_user(request.user, reference)
    if case is None:
        raise Http404(_("No such case."))
    live = case_live_state(case=case, user=request.user, seen=_number(request, "seen"))
    if _fresh(request, live["etag"]):
        return _not_modified(live["etag"])
    live.update(
        names=others_present(case=case, user=request.user, ids=live["others"]),
        changed_by=changed_by_others(case=case, user=request.user, seen=live["seen"]),
    )
    context = {
        "case": case,
        "live": live,
        "events": list(case.events.all()),
        "unread": bell_stamp(request.user)[0],
    }
    response = render(request, "web/_case_live_poll.html", context)
    return _answer(response, live["etag"])
