"""Live pages in Chromium: two users in two browser contexts; what one does
shows on the other's case page and inbox within 5 s, with a notice."""

import os

import pytest
from playwright.sync_api import expect

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WITHIN = 5_000  # ms


def test_a_second_context_sees_the_other_users_presence_and_change_within_5_s(
    open_as, agent, lead, make_case
):
    case = make_case("new", subject="Live case")
    other = make_case("new", subject="Another case")
    agent_case = open_as(agent)
    agent_case.goto(case.get_absolute_url())
    agent_inbox = agent_case.context.new_page()
    agent_inbox.goto("/?queue=unassigned")
    expect(agent_inbox.locator(f"#row-{case.reference}")).to_be_visible()
    unassigned = agent_inbox.locator('#inbox-queues a[href="?queue=unassigned"] .count')
    expect(unassigned).to_have_text("2")
    # What the agent has ticked survives the list's refresh.
    agent_inbox.get_by_label(f"Select {other.reference}").check()

    lead_page = open_as(lead)
    lead_page.goto(case.get_absolute_url())
    expect(lead_page.locator("#case-live")).to_contain_text(
        f"{agent.get_username()} is also working on this case"
    )
    notice = agent_case.locator("#case-live")
    expect(notice).to_contain_text(
        f"{lead.get_username()} is also working on this case", timeout=WITHIN
    )

    lead_page.get_by_label("Staff only (internal note)").check()
    lead_page.get_by_label("Message", exact=True).fill("Called the courier.")
    lead_page.get_by_role("button", name="Add message").click()
    expect(lead_page.locator("#messages")).to_contain_text("Called the courier.")
    expect(notice).to_contain_text(
        f"Changed by {lead.get_username()} just now", timeout=WITHIN
    )
    expect(agent_case.locator("#timeline")).to_contain_text(
        "added an internal note", timeout=WITHIN
    )
    expect(notice.get_by_role("link", name="reload")).to_be_visible()

    lead_page.reload()
    lead_page.locator("#case-facts").get_by_role("button", name="Take it").click()
    expect(agent_inbox.locator(f"#row-{case.reference}")).to_have_count(
        0, timeout=WITHIN
    )
    expect(unassigned).to_have_text("1", timeout=WITHIN)
    expect(agent_inbox.get_by_label(f"Select {other.reference}")).to_be_checked()
