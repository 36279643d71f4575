"""A test urlconf: the project's routes plus plain Django views under /api/.

Plain views are what DRF's exception handler never sees: they let the tests
check that the API's edge still answers their errors in problem+json.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as project_urlpatterns


@require_POST
def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("done")


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


urlpatterns = [
    path("api/plain/", plain),
    path("api/crash/", crash),
    *project_urlpatterns,
]
