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
from tests.factories import CaseFactory, CustomerFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = " ".join(hostile.MARKUP)


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


def test_markup_on_the_case_page_is_text_not_script(open_as, agent, stored):
    page = open_as(agent)

    _assert_inert(page, f"/cases/{stored.reference}/")


def test_markup_on_the_status_page_is_text_not_script(chromium, live_server, stored):
    context = chromium.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        _assert_inert(page, f"/status/{links.status_token(stored)}/")
    finally:
        context.close()
