"""Letters in Chromium: an agent previews a final response, is told in place
what it lacks, sends it from the case page and opens its PDF."""

import importlib
import os

import pytest
from django.apps import apps
from playwright.sync_api import expect

from regimes.models import Letter, Regime
from tests.browser.conftest import shoot

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fca(settings, transactional_db):
    # A transactional test before this one may have flushed the seeded regimes.
    if not Regime.objects.filter(code="fca").exists():
        seed = importlib.import_module("regimes.migrations.0002_seed_regimes")
        seed.seed(apps, None)
    settings.DEFAULT_REGIME = "fca"


def test_an_agent_sends_a_final_response_and_opens_its_pdf(
    fca, open_as, agent, make_case
):
    case = make_case("resolving", assignee=agent)
    page = open_as(agent)
    page.goto(case.get_absolute_url())
    panel = page.locator("#letters")
    panel.get_by_label("Letter", exact=True).select_option("final_response")
    # Without an outcome the final response is refused, in place.
    panel.get_by_role("button", name="Send letter").click()
    alert = page.locator("#letters [role=alert]")
    expect(alert).to_contain_text("outcome")
    assert not Letter.objects.exists()
    panel = page.locator("#letters")
    panel.get_by_label("Outcome (final response)").select_option("upheld")
    panel.get_by_role("button", name="Preview").click()
    preview = page.locator("#letter-preview")
    expect(preview).to_contain_text(case.reference)
    expect(preview).to_contain_text("Financial Ombudsman")
    expect(page.locator("#letter-missing")).to_have_count(0)
    shoot(page, "case-letter-preview")
    page.locator("#letters").get_by_role("button", name="Send letter").click()
    link = page.locator("#letters-sent").get_by_role("link", name="Final response")
    expect(link).to_be_visible()
    letter = Letter.objects.get(case=case)
    assert letter.outcome == "upheld"
    href = link.get_attribute("href")
    assert href == f"/cases/{case.reference}/letters/{letter.pk}/"
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF") and body == bytes(letter.pdf)
    with page.context.expect_page() as opened:
        link.click()
    assert opened.value.url.endswith(href)
