"""A customer files a complaint, opens their status link and writes to us, in Chromium."""

import os
from pathlib import Path

import pytest

from complaints import lifecycle
from complaints.models import Case, Message
from complaints.services import case_assign, case_route
from tests.factories import StaffFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("artifacts/screenshots")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _setup(settings, live_server):
    from django.core.cache import cache

    settings.SITE_URL = live_server.url
    cache.clear()
    SHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def policy(db):
    from datetime import time

    from sla.models import Calendar, SlaPolicy, WorkingHours

    calendar = Calendar.objects.create(name="Care desk", time_zone="Europe/London")
    for weekday in range(7):
        WorkingHours.objects.create(
            calendar=calendar, weekday=weekday, opens=time(0), closes=time(23, 59)
        )
    return SlaPolicy.objects.create(
        name="Normal",
        priority="normal",
        calendar=calendar,
        first_response_minutes=8 * 60,
        resolution_minutes=5 * 24 * 60,
    )


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fill_complaint(page) -> None:
    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("Your email address").fill("grace@example.com")
    page.get_by_label("In a few words, what went wrong?").fill(
        "The kettle stopped working"
    )
    page.get_by_label("Tell us what happened").fill(
        "I bought it three weeks ago and this morning it would not switch on."
    )
    page.get_by_label("What would put this right for you?").fill("A working kettle.")
    page.get_by_label("You may contact me later").check()


def test_a_customer_files_follows_and_writes_to_us(live_server, browser, agent, policy):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/complain/")
    page.get_by_role("button", name="Send my complaint").click()
    page.get_by_text("Something needs another look").wait_for()
    shot(page, "portal-complain-errors-1280")

    fill_complaint(page)
    shot(page, "portal-complain-1280")
    page.get_by_role("button", name="Send my complaint").click()
    page.get_by_role("heading", name="Thank you for telling us").wait_for()
    case = Case.objects.get()
    assert case.reference in page.content()
    shot(page, "portal-thanks-1280")

    page.get_by_role("button", name="Follow my complaint").click()
    page.get_by_role("heading", name="The kettle stopped working").wait_for()
    page.get_by_label("Your message").fill("It is the red kettle, order 1234.")
    page.get_by_role("button", name="Send message").click()
    page.get_by_text("Your message is with our team").wait_for()
    assert "reply to you by" in page.content()
    assert "It is the red kettle, order 1234." in page.content()
    message = Message.objects.get(case=case)
    assert (message.kind, message.author_label) == ("from_customer", "customer")
    shot(page, "portal-status-1280")

    _agent_replies_and_offers(case, agent)
    status_url = page.url.split("#")[0]
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/complain/")
    shot(phone, "portal-complain-390")
    phone.goto(status_url)
    phone.get_by_role("heading", name="How we'd like to put it right").wait_for()
    no_sideways_scroll = phone.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"
    )
    assert no_sideways_scroll
    shot(phone, "portal-status-390")
    phone.get_by_role("button", name="Yes, I accept this").click()
    phone.get_by_text("get on with it").wait_for()
    shot(phone, "portal-status-accepted-390")


def _agent_replies_and_offers(case, agent) -> None:
    # Filed with no category, the case waits in Triage until a lead routes it.
    lead = StaffFactory(role="team_lead", teams=list(agent.staff.teams.all()))
    case = case_route(case=case, team=agent.staff.teams.get(), by=lead)
    case = case_assign(case=case, assignee=agent, by=agent)
    case = lifecycle.transition(case, "listening", by=agent)
    lifecycle.transition(
        case,
        "acknowledged",
        by=agent,
        customer_account="The kettle died after three weeks.",
        restatement="So the kettle stopped working after three weeks of use.",
        apology="We're so sorry your kettle let you down. Will you accept our apology?",
    )
    from complaints.services import message_post

    message_post(
        case=case,
        body="Thank you for the order number. We'd like to send you a new kettle.",
        visibility="customer",
        by=agent,
    )
    lifecycle.offer_make(
        case=case,
        kind="replacement",
        description="A brand-new kettle, delivered within two working days.",
        by=agent,
    )


def test_a_customer_answers_the_survey_on_a_phone(live_server, browser, make_case):
    from portal.links import survey_url

    case = make_case("following_up")
    followup = case.followups.get()
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(survey_url(followup))
    phone.get_by_role("button", name="Send my answer").click()
    phone.get_by_text("Something needs another look").wait_for()
    shot(phone, "portal-survey-errors-390")
    phone.get_by_label("2", exact=True).check()
    phone.get_by_label("No, it's still not right").check()
    phone.get_by_label("Anything else you'd like to tell us?").fill("It broke again.")
    phone.get_by_role("button", name="Send my answer").click()
    phone.get_by_role("heading", name="Thank you for being honest with us").wait_for()
    shot(phone, "portal-survey-done-390")
    case.refresh_from_db()
    assert case.stage == "listening"
