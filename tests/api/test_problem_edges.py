"""Every error under /api/ is application/problem+json, whoever produced it.

DRF's own errors go through `api.errors.problem_exception_handler`; these tests
cover the ones Django answers before or after DRF: CSRF refusals of plain
views, unknown routes, a method a plain view refuses, an oversize form body,
and a crash (500). Pages outside /api/ keep their HTML error pages.
"""

import pytest
from django.test import Client

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    return body


@pytest.fixture
def browser(team):
    """A logged-in browser session that enforces CSRF, as a real browser would."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(StaffFactory(role="manager"))
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/api/",
        "/api/v1/",
        "/api/v1/nope/",
        "/api/v2/complaints/",
        "/api/schema/nope/",
        "/api/v1/complaints/C-2026-000001/nope/",
    ],
)
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_a_session_request_to_an_unknown_api_route_is_a_404_problem(
    browser, method, path
):
    _assert_problem(getattr(browser, method)(path), 404)


@pytest.mark.urls("tests.api.edge_urls")
def test_a_post_without_csrf_token_to_a_plain_api_view_is_a_403_problem(browser):
    body = _assert_problem(browser.post("/api/plain/"), 403)
    assert "CSRF" in body["detail"]


@pytest.mark.urls("tests.api.edge_urls")
def test_a_method_a_plain_api_view_refuses_is_a_405_problem_with_allow(browser):
    response = browser.get("/api/plain/")
    _assert_problem(response, 405)
    assert response["Allow"] == "POST"


@pytest.mark.urls("tests.api.edge_urls")
def test_a_crash_of_a_plain_api_view_is_a_500_problem():
    client = Client(raise_request_exception=False)
    body = _assert_problem(client.get("/api/crash/"), 500)
    assert "boom" not in body["detail"]


def test_an_oversize_form_body_under_api_is_a_4xx_problem(browser, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = browser.post("/api/v1/complaints/", {"subject": "x" * 5000})
    assert 400 <= response.status_code < 500
    _assert_problem(response, response.status_code)


def test_an_anonymous_request_to_an_unknown_api_route_is_a_404_problem():
    body = _assert_problem(Client().get("/api/v1/nope/"), 404)
    assert "/api/v1/nope/" in body["detail"]


def test_a_bad_host_header_under_api_is_a_400_problem(settings):
    settings.ALLOWED_HOSTS = ["example.com"]
    _assert_problem(Client().get("/api/v1/ping/", HTTP_HOST="evil.test"), 400)


def test_a_crash_under_api_is_a_500_problem(monkeypatch, manager):
    from api.views.misc import PingView

    def explode(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(PingView, "get", explode)
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    body = _assert_problem(client.get("/api/v1/ping/"), 500)
    assert "boom" not in body["detail"]  # internals stay in the log


def test_a_crash_of_the_schema_view_is_a_500_problem(monkeypatch, anon):
    from drf_spectacular.views import SpectacularAPIView

    def explode(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(SpectacularAPIView, "get", explode)
    client = Client(raise_request_exception=False)
    _assert_problem(client.get("/api/schema/"), 500)


def test_a_method_the_route_refuses_is_a_405_problem_with_allow(api_as, manager):
    response = api_as(user=manager).delete("/api/v1/ping/")
    _assert_problem(response, 405)
    assert "GET" in response["Allow"]


def test_every_api_response_says_no_store(api_as, manager, anon):
    ok = api_as(user=manager).get("/api/v1/ping/")
    assert ok.status_code == 200
    assert ok["Cache-Control"] == "no-store"
    refused = anon.get("/api/v1/complaints/")
    assert refused.status_code == 401
    assert refused["Cache-Control"] == "no-store"
    assert Client().get("/api/v1/nope/")["Cache-Control"] == "no-store"
    assert anon.get("/api/schema/", {"format": "json"})["Cache-Control"] == "no-store"


def test_pages_outside_the_api_keep_html_errors(agent_page):
    missing = agent_page.get("/cases/C-1999-999999/")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("text/html")
    unknown = Client().get("/no-such-page/")
    assert unknown.status_code == 404
    assert unknown["Content-Type"].startswith("text/html")


def test_a_page_post_without_csrf_keeps_the_friendly_html_page():
    response = Client(enforce_csrf_checks=True).post("/complain/", {})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert b"form" in response.content.lower()


def test_a_page_crash_stays_html(monkeypatch, agent):
    import web.urls

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    pattern = next(p for p in web.urls.urlpatterns if p.name == "inbox")
    monkeypatch.setattr(pattern, "callback", explode)
    client = Client(raise_request_exception=False)
    client.force_login(agent)
    response = client.get("/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


@pytest.fixture
def agent_page(agent):
    client = Client()
    client.force_login(agent)
    return client
