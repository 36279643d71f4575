"""The dashboard in Chromium: open it, change a filter, look at the result."""

import os
from pathlib import Path

import pytest

from dashboards.facts import facts_refresh
from tests.factories import PASSWORD, StaffFactory
from tests.unit.test_metrics_dataset import build_march

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.postgres]

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
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        browser.close()


@pytest.fixture
def march_data(transactional_db, team, other_team, agent, lead):
    other_agent = StaffFactory(role="agent", teams=[other_team])
    data = build_march(
        team=team,
        other_team=other_team,
        agent=agent,
        lead=lead,
        other_agent=other_agent,
    )
    facts_refresh()  # as beat does every minute (views never write)
    return data


def test_a_manager_changes_the_category_and_the_figures_follow(
    live_server, browser_page, march_data, manager
):
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/?next=/dashboard/")
    page.fill("input[name=username]", manager.get_username())
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.goto(f"{live_server.url}/dashboard/?from=2026-03-01&to=2026-03-31")
    opened = page.locator("#tile-opened .value")
    assert opened.inner_text() == "7"
    assert page.locator("#chart-volume").is_visible()

    page.select_option("#category", "delivery")
    page.wait_for_url("**category=delivery**")
    assert "from=2026-03-01" in page.url and "to=2026-03-31" in page.url
    assert opened.inner_text() == "3"  # A, B and C
    assert page.locator("#category").input_value() == "delivery"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
