"""Triage in Chromium: a lead finds a case with no team and routes it in one click."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_routes_a_triage_case_from_the_inbox(open_as, lead, team, make_case):
    case = make_case("new", team=None, by=lead, subject="Not sure who does this")
    page = open_as(lead)
    queues = page.get_by_role("navigation", name="Queues")
    triage = queues.get_by_role("link", name=re.compile("Triage"))
    expect(triage).to_contain_text("1")
    triage.click()
    row = page.locator(f"#row-{case.reference}")
    expect(row).to_contain_text("Not sure who does this")
    shoot(page, "inbox-triage")
    row.get_by_label(f"Route {case.reference} to a team").select_option(label="Care")
    row.get_by_role("button", name="Route").click()
    expect(row.get_by_role("button", name="Route")).to_have_count(0)
    case.refresh_from_db()
    assert case.team == team
