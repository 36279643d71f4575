"""In Chromium: a refused panel form answers in place; the offer and follow-up forms' layout."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NARROW, WIDE, shoot

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_offer_leaves_the_error_focused_in_view_on_the_case_url(
    open_as, agent, make_case, live_server
):
    case = make_case("resolving", subject="Vase arrived in pieces")
    page = open_as(agent)
    page.goto(f"/cases/{case.reference}/")
    offers = page.locator("#offers")
    offers.get_by_label("Kind").select_option("refund")
    offers.get_by_label("Currency").select_option("GBP")
    offers.get_by_label("Description").fill("Kept while refused")
    offers.get_by_role("button", name="Make the offer").click()
    refusal = page.locator("#offers [data-refusal]")
    expect(refusal).to_contain_text("needs an amount")
    expect(refusal).to_be_focused()
    expect(refusal).to_be_in_viewport()
    expect(offers.get_by_label("Description")).to_have_value("Kept while refused")
    assert page.url == f"{live_server.url}/cases/{case.reference}/"
    shoot(page, "offer-refused-in-place")

    offers.get_by_label("Amount").fill("20")
    offers.get_by_role("button", name="Make the offer").click()
    expect(page.locator(".flash")).to_contain_text("Offer made")
    expect(page.locator("#offers .offer")).to_contain_text("Refund")
    assert re.search(r"/cases/[^/]+/$", page.url)


def _label_sits_over_its_input(page, form, names) -> None:
    for name in names:
        field = form.get_by_label(name)
        field_id = field.get_attribute("id")
        label = form.locator(f'label[for="{field_id}"]').bounding_box()
        field = field.bounding_box()
        assert label["y"] < field["y"], name
        assert abs(label["x"] - field["x"]) < 4, name


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280", "390"])
def test_the_offer_and_another_time_forms_keep_labels_over_their_inputs(
    open_as, agent, make_case, viewport
):
    resolving = make_case("resolving")
    resolved = make_case("resolved")
    page = open_as(agent, viewport=viewport)
    page.goto(f"/cases/{resolving.reference}/")
    offer_form = page.locator("#offers form").last
    _label_sits_over_its_input(page, offer_form, ["Kind", "Amount", "Currency"])
    shoot(page, "offer-form")
    page.goto(f"/cases/{resolved.reference}/")
    page.locator("#followups summary", has_text="Another time").click()
    another = page.locator("#followups details form")
    _label_sits_over_its_input(page, another, ["When", "How", "Note"])
    shoot(page, "another-time-form")
