"""The Content-Security-Policy in a real browser: the pages work and nothing is refused.

Chromium reports every blocked inline script, style or resource as a
`securitypolicyviolation` event; the pages must raise none while they render,
draw their charts, and (the API docs) build Swagger UI from their own script.
"""

import re

import pytest

from portal import links
from tests.factories import PASSWORD

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
def chromium_page(live_server):
    """A page of its own browser (not the session one: see test_dashboard.py)."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(15_000)
        context.add_init_script(LISTEN)
        yield context.new_page()
        browser.close()


def log_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.get_username())
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))


def test_the_staff_pages_raise_no_violation(
    chromium_page, transactional_db, manager, make_case
):
    case = make_case("resolving", assignee=manager, by=manager)
    page = chromium_page
    log_in(page, manager)
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
    chromium_page, transactional_db, make_case
):
    case = make_case("following_up")
    page = chromium_page
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
    page.wait_for_selector(".swagger-ui .info")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
