"""The Content-Security-Policy in a real browser: the pages work and nothing is refused.

Chromium reports every blocked inline script, style or resource as a
`securitypolicyviolation` event; the pages must raise none while they render,
draw their charts, and (the API docs) build Swagger UI from their own script.
"""

import pytest

from portal import links

pytestmark = pytest.mark.browser

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def violations(page) -> list[str]:
    return page.evaluate("window.__violations")


@pytest.fixture
def watched(open_as):
    """Open a logged-in page that records CSP violations from the first byte."""

    def open_watched(user):
        page = open_as(user)
        page.context.add_init_script(LISTEN)
        return page

    return open_watched


def test_the_staff_pages_raise_no_violation(watched, manager, make_case):
    case = make_case("resolving", assignee=manager)
    page = watched(manager)
    for path in ("/", f"/cases/{case.reference}/", f"/customers/{case.customer_id}/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path
    page.goto("/dashboard/?period=all")
    page.wait_for_load_state("networkidle")
    # The charts are drawn by static/dashboard.js: the canvases got a size.
    assert page.locator("canvas").count() > 0
    assert page.evaluate(
        "Array.from(document.querySelectorAll('canvas')).some(c => c.width > 0)"
    )
    assert violations(page) == []


def test_the_public_pages_and_the_api_docs_raise_no_violation(
    chromium, live_server, make_case
):
    case = make_case("following_up")
    context = chromium.new_context(base_url=live_server.url)
    context.add_init_script(LISTEN)
    page = context.new_page()
    try:
        for path in (
            "/accounts/login/",
            "/complain/",
            f"/status/{links.status_token(case)}/",
            f"/survey/{links.survey_token(case.followups.get())}/",
        ):
            page.goto(path)
            page.wait_for_load_state("networkidle")
            assert violations(page) == [], path
        page.goto("/api/docs/")
        page.wait_for_selector(".swagger-ui .info", timeout=15_000)
        page.wait_for_load_state("networkidle")
        assert violations(page) == []
    finally:
        context.close()
