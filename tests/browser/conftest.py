"""Playwright driving Debian's Chromium against pytest-django's live server.

One browser for the whole session; each test opens its own contexts.
Screenshots go to artifacts/screenshots/ at 1280 px and 390 px wide.
"""

import os
from pathlib import Path

import pytest

from tests.web.conftest import sla_policy  # noqa: F401  (shared fixture)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


@pytest.fixture
def chromium():
    # Per test, not per session: a Playwright left running holds an event loop
    # in this thread, and the modules that start their own could not.
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("needs Chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def no_session_left_on_the_test_database(django_db_setup, django_db_blocker):
    """End the test database's other sessions before it is dropped.

    A connection opened during the browser tests outlived them: at the end
    only the main thread was left, yet a second session was still open, idle
    since the last test's query (Django keys its connections by context, and
    Playwright's sync API switches contexts), and the test database could not
    be dropped ("being accessed by other users"). Every test is over when
    this runs.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def fresh_cache():
    """Cached inbox counts must not leak between tests (ids can repeat)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def open_as(chromium, live_server, transactional_db):
    """Return a function that logs a user in, in a new context, and gives its page."""
    contexts = []

    def open_as(user, viewport=WIDE):
        from tests.factories import PASSWORD

        context = chromium.new_context(viewport=viewport, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def shoot(page, name: str) -> None:
    """Save full-page screenshots of the current page at 1280 px and 390 px."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for label, viewport in (("1280", WIDE), ("390", NARROW)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(size)
