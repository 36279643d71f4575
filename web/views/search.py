"""The global search page: every case the user may see, open or closed, best first."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from complaints.bounds import text_problem
from complaints.search import RANK_WINDOW, search_hits, search_text
from config.numbers import whole_number

PAGE_SIZE = 25
MAX_PAGE = RANK_WINDOW // PAGE_SIZE


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    # Text the database cannot take (a NUL, an unpaired surrogate) is a 400,
    # as on the inbox.
    error = text_problem(raw, None)
    text = "" if error else search_text(raw)
    raw_page = request.GET.get("page", "1")
    page = min(whole_number(raw_page) or 1, MAX_PAGE)
    hits: list = []
    if text:
        # One more than a page tells whether there is a next page.
        hits = search_hits(
            user=request.user,
            text=text,
            limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
        )
    context = {
        "q": text,
        "error": error,
        "hits": hits[:PAGE_SIZE],
        "page": page,
        "has_next": len(hits) > PAGE_SIZE and page < MAX_PAGE,
    }
    return render(request, "web/search.html", context, status=400 if error else 200)
