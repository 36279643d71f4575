"""Stored markup is shown as text in Chromium, never run (tests/hostile.py MARKUP).

Every markup payload is stored where the case page and the customer's status
page show it (subject, description, the customer's name, messages both ways,
an offer's description, restatement, desired outcome); the pages are opened
with a dialog handler installed. No `alert` may fire and `window.__xss` must
stay unset; the payload must be visible as text.
"""

import os

import pytest

from complaints import lifecycle
from complaints.actors import Actor
from complaints.models import MessageKind
from complaints.services import case_update, message_post
from portal import links
from tests import hostile
from tests.browser.conftest import CHROMIUM_ARGS
from tests.factories import PASSWORD, CaseFactory, CustomerFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = " ".join(hostile.MARKUP)


@pytest.fixture
def browser(live_server):
    """A Chromium of this module's own (the session one would hold an event loop
    that the other modules' own Playwright instances refuse to run beside)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = chromium.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        yield context.new_page()
        context.close()
        chromium.close()


@pytest.fixture
def stored(team, agent):
    customer = CustomerFactory(name=hostile.MARKUP[1])
    case = CaseFactory.in_stage(
        "resolving",
        by=agent,
        team=team,
        customer=customer,
        subject=hostile.MARKUP[0],
        description=PAYLOAD,
    )
    case_update(case=case, restatement=PAYLOAD, desired_outcome=PAYLOAD, by=agent)
    message_post(case=case, body=PAYLOAD, visibility="customer", by=agent)
    message_post(
        case=case,
        body=PAYLOAD,
        visibility="customer",
        kind=MessageKind.FROM_CUSTOMER,
        by=Actor.customer(),
    )
    message_post(case=case, body=PAYLOAD, visibility="internal", by=agent)
    lifecycle.offer_make(case=case, kind="other", description=PAYLOAD, by=agent)
    return case


def _assert_inert(page, url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_load_state("networkidle")

    assert dialogs == [], f"a dialog opened on {url}: {dialogs}"
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("img[onerror], svg[onload]").count() == 0
    assert hostile.MARKUP[0] in page.inner_text("body")


def test_markup_on_the_case_page_is_text_not_script(
    browser, live_server, agent, stored
):
    browser.goto("/accounts/login/")
    browser.get_by_label("Username").fill(agent.get_username())
    browser.get_by_label("Password").fill(PASSWORD)
    browser.get_by_role("button", name="Log in").click()
    browser.wait_for_url(f"{live_server.url}/")

    _assert_inert(browser, f"/cases/{stored.reference}/")


def test_markup_on_the_status_page_is_text_not_script(browser, stored):
    _assert_inert(browser, f"/status/{links.status_token(stored)}/")
