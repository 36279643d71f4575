"""In Chromium: a customer files a complaint with a photo through /complain/, and an
agent sees its thumbnail (a server-made PNG) on the case page and can download it."""

import pytest

from attachments.models import Attachment
from complaints.models import Case
from complaints.services import case_route
from tests.attachments.samples import jpeg_bytes

pytestmark = [pytest.mark.browser]


@pytest.fixture(autouse=True)
def _attachments(attachment_dir, settings, live_server):
    settings.SITE_URL = live_server.url


@pytest.fixture
def browser(live_server, transactional_db):
    """A Chromium of this test's own: a session-wide Playwright left running
    would stop the other modules from starting theirs."""
    from playwright.sync_api import sync_playwright

    from .conftest import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def log_in(context, user):
    from tests.factories import PASSWORD

    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    return page


def test_a_photo_sent_with_the_complaint_shows_as_a_thumbnail_to_the_agent(
    browser, live_server, team, lead, agent, tmp_path
):
    photo = tmp_path / "broken-kettle.jpg"
    photo.write_bytes(jpeg_bytes((1200, 900)))

    customer = browser.new_context(base_url=live_server.url)
    page = customer.new_page()
    page.goto("/complain/")
    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("Your email address").fill("grace@example.com")
    page.get_by_label("In a few words, what went wrong?").fill("The kettle broke")
    page.get_by_label("Tell us what happened").fill("It arrived with a cracked lid.")
    page.get_by_label("Photos or documents (optional)").set_input_files(str(photo))
    page.get_by_role("button", name="Send my complaint").click()
    page.wait_for_url("**/complain/thanks/**")
    customer.close()

    case = Case.objects.get()
    attachment = Attachment.objects.get(case=case)
    assert attachment.filename == "broken-kettle.jpg"
    assert attachment.content_type == "image/jpeg"
    case_route(case=case, team=team, by=lead)

    staff = log_in(browser.new_context(base_url=live_server.url), agent)
    staff.goto(f"/cases/{case.reference}/")
    thumb = staff.locator(f'img[src="/attachments/{attachment.pk}/thumbnail/"]')
    thumb.wait_for()
    # The image really loaded (CSP allows it, the guarded view answered a PNG):
    # once the browser is done with it, loaded or broken (a broken one is 0 wide).
    staff.wait_for_function("img => img.complete", arg=thumb.element_handle())
    width = thumb.evaluate("img => img.naturalWidth")
    assert 0 < width <= 240
    with staff.expect_download() as download:
        staff.get_by_role("link", name="broken-kettle.jpg").click()
    assert download.value.suggested_filename == "broken-kettle.jpg"
