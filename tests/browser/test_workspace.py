"""The agents' workspace in Chromium: the whole method, approvals, pitch, conflicts."""

import os
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_takes_a_case_from_new_to_closed_through_the_stepper(
    open_as, agent, make_case, sla_policy
):
    case = make_case("new", subject="Vase arrived in pieces")
    make_case("closed", customer=case.customer, subject="Late parcel")
    page = open_as(agent)
    queues = page.get_by_role("navigation", name="Queues")
    queues.get_by_role("link", name=re.compile("Unassigned")).click()
    shoot(page, "inbox")
    page.get_by_role("button", name=f"Take {case.reference}").click()
    expect(page.locator(f"#row-{case.reference}")).to_contain_text(agent.username)
    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("button", name="Start listening").click()
    expect(page.locator(".flash")).to_contain_text("Now listening")

    page.get_by_label("The customer's account").fill("It arrived smashed.")
    page.get_by_role("button", name="Send apology and continue").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("cannot move to Acknowledged")
    expect(refusal).to_contain_text("your restatement")
    shoot(page, "case-refused")

    page.get_by_label("Your restatement").fill("So the vase broke in transit.")
    page.get_by_role("button", name="Send apology and continue").click()
    expect(page.locator(".flash")).to_contain_text("acknowledged")
    expect(page.locator(".msg-customer")).to_contain_text(
        "Will you accept our apology?"
    )

    page.get_by_label("What would be fair").fill("A new vase")
    page.get_by_role("button", name="Record and start resolving").click()
    page.get_by_label("Kind").select_option("replacement")
    page.get_by_role("button", name="Make the offer").click()
    page.get_by_role("button", name="Customer accepts").click()
    page.get_by_role("button", name="Mark carried out").click()
    page.get_by_label("Resolution summary").fill("Sent a new vase, well packed.")
    page.get_by_role("button", name="Mark resolved").click()
    shoot(page, "case-resolved")

    page.locator(".proposals").get_by_role("button", name="Schedule").first.click()
    expect(page.locator(".flash")).to_contain_text("Follow-up scheduled")
    page.locator("select[name=csat]").first.select_option("5")
    page.get_by_role("button", name="Record").click()
    # The page reloads after the follow-up is recorded: close on the new one.
    expect(page.locator(".flash")).to_contain_text("Follow-up recorded")
    # The close form that holds the reason (the step panel has others).
    close = page.locator("form").filter(
        has=page.get_by_label("Close because", exact=True)
    )
    close.get_by_label("Close because", exact=True).select_option("satisfied")
    close.get_by_role("button", name="Close the case").click()
    expect(page.locator(".flash")).to_contain_text("Case closed")
    expect(page.locator(".case-head")).to_contain_text("Closed")
    shoot(page, "case-closed")


def test_a_team_lead_approves_an_offer_above_the_limit(open_as, agent, lead, make_case):
    from complaints.lifecycle import offer_make
    from complaints.models import Offer, OfferLimit

    OfferLimit.objects.create(kind="refund", currency="EUR", max_amount=Decimal(50))
    case = make_case("resolving")
    offer_make(case=case, kind="refund", amount="120.00", currency="EUR", by=agent)
    page = open_as(lead)
    page.goto(f"/cases/{case.reference}/")
    expect(page.locator(".offer")).to_contain_text("Pending approval")
    shoot(page, "offer-pending")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".flash")).to_contain_text("Offer approved")
    expect(page.locator(".offer")).to_contain_text("Proposed")
    assert Offer.objects.get(case=case).approved_by == lead


def test_the_pitch_warning_appears_and_the_agent_can_still_send(
    open_as, agent, make_case
):
    from complaints.models import Message

    case = make_case("acknowledged")
    page = open_as(agent)
    page.goto(f"/cases/{case.reference}/")
    page.get_by_label("The customer (sent to them)").check()
    body = "Sorry! While you're here, why not upgrade to our premium plan?"
    page.get_by_label("Message", exact=True).fill(body)
    expect(page.locator("#pitch-live")).to_contain_text("reads like a sales pitch")
    page.get_by_role("button", name="Add message").click()
    expect(page.get_by_role("alert")).to_contain_text("“upgrade”")
    shoot(page, "pitch-warning")
    page.get_by_role("button", name="Send anyway").click()
    expect(page.locator(".msg-customer").last).to_contain_text(
        "sent despite the pitch warning"
    )
    assert Message.objects.get(case=case, body=body).pitch_warning


def test_two_agents_editing_one_case_get_the_conflict_message(
    open_as, agent, make_case, team
):
    from tests.factories import StaffFactory

    colleague = StaffFactory(role="agent", teams=[team])
    case = make_case("listening")
    first, second = open_as(agent), open_as(colleague)
    for page in (first, second):
        page.goto(f"/cases/{case.reference}/")
    first.get_by_label("Your restatement").fill("So the parcel was late.")
    first.get_by_role("button", name="Save notes only").click()
    expect(first.locator(".flash[role=status]")).to_contain_text("Notes saved")
    second.get_by_label("Your restatement").fill("So the parcel broke.")
    second.get_by_role("button", name="Save notes only").click()
    alert = second.get_by_role("alert")
    expect(alert).to_contain_text("someone else changed this case")
    shoot(second, "conflict")
    second.get_by_role("link", name="Reload the case").click()
    expect(second.get_by_label("Your restatement")).to_have_value(
        "So the parcel was late."
    )
