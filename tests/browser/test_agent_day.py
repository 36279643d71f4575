"""The agent's day in Chromium: keyboard shortcuts on the inbox, the canned
response picker and the in-place priority edit on the case page."""

import os

import pytest
from playwright.sync_api import expect

from complaints.models import CannedResponse

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_keyboard_shortcuts_move_take_and_show_the_help(open_as, agent, make_case):
    case = make_case("new", subject="Keyboard case")
    page = open_as(agent)
    page.goto("/?queue=unassigned")
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.keyboard.press("/")
    expect(page.locator("#f-q")).to_be_focused()
    page.locator("#f-q").evaluate("el => el.blur()")  # out of the field: keys act
    page.keyboard.press("j")
    row = page.locator(f"#row-{case.reference}")
    expect(row).to_have_class("kb-current")
    page.keyboard.press("a")
    expect(row).to_contain_text("(you)")
    case.refresh_from_db()
    assert case.assignee == agent


def test_a_canned_response_fills_the_box_and_the_pitch_check_runs(
    open_as, agent, make_case
):
    case = make_case("listening")
    CannedResponse.objects.create(
        title="Pitchy", body="Hi {first_name}, upgrade to our premium plan, {reference}"
    )
    page = open_as(agent)
    page.goto(case.get_absolute_url())
    page.get_by_label("Staff only (internal note)").check()
    page.get_by_label("The customer (sent to them)").check()
    page.get_by_label("Insert a canned response").select_option(label="Pitchy")
    box = page.get_by_label("Message", exact=True)
    expect(box).to_have_value(
        f"Hi {case.customer.name.split()[0]}, upgrade to our premium plan, "
        f"{case.reference}"
    )
    expect(page.locator("#pitch-live")).to_contain_text("sales pitch")


def test_priority_is_changed_in_place_and_the_next_action_is_not_stale(
    open_as, agent, make_case
):
    case = make_case("listening")
    page = open_as(agent)
    page.goto(case.get_absolute_url())
    page.locator("#facts-priority").select_option("urgent")
    page.locator("#case-facts").get_by_role("button", name="Save").first.click()
    expect(page.locator("#case-facts")).to_have_attribute(
        "data-version", str(case.version + 1)
    )
    case.refresh_from_db()
    assert case.priority == "urgent"
    # The other forms were brought to the new version: an awaiting toggle works.
    page.get_by_role("button", name="Waiting on the customer: pause the clock").click()
    expect(page.get_by_text("Waiting on the customer since")).to_be_visible()
