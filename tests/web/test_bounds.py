"""Bounds on the pages and the portal (CONTRACT §11): a form error, never a 500.

A far-future follow-up must not take the case page or the dashboard down; a
search with a NUL is a 400; offers pick their currency from the list.
"""

import pytest
from django.core.cache import cache

from complaints.actors import Actor
from complaints.models import Case, Offer
from customers.models import Customer
from customers.services import customer_set_consent
from followups.models import FollowUp
from followups.services import followup_schedule

pytestmark = pytest.mark.django_db

FAR = [
    "9999-12-31T23:30",
    "9999-12-31T23:30:00-1400",
    "2201-01-01T00:00",
    "1899-12-31T23:00",
    "0001-01-01T00:00:00+1400",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def url(case, action=""):
    return f"/cases/{case.reference}/" + (f"{action}/" if action else "")


@pytest.fixture
def resolved(make_case, agent):
    case = make_case("resolved", assignee=agent)
    customer_set_consent(customer=case.customer, consent=True, by=Actor.system("tests"))
    return case


@pytest.mark.parametrize("when", FAR)
def test_a_far_follow_up_is_a_form_error_and_the_pages_stay_up(
    agent_client, manager_client, resolved, when
):
    response = agent_client.post(
        url(resolved, "followups"), {"due_at": when, "channel": "phone"}
    )

    # Refused panels go back to the panel, the error kept (no-JS path).
    assert response.status_code == 302
    response = agent_client.get(response["Location"])
    assert "1900 and 2200" in response.content.decode()
    assert not FollowUp.objects.exists()
    assert agent_client.get(url(resolved)).status_code == 200
    assert manager_client.get("/dashboard/").status_code == 200


def test_the_dashboard_survives_a_far_follow_up_stored_before_the_bounds(
    manager_client, resolved, agent
):
    from datetime import UTC, datetime

    from django.db import connection

    followup = followup_schedule(
        case=resolved,
        due_at=datetime(2100, 1, 1, tzinfo=UTC),
        channel="phone",
        by=agent,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE followups_followup SET due_at = %s WHERE id = %s",
            ["9999-12-31T23:30:00+00:00", followup.pk],
        )

    assert manager_client.get("/dashboard/").status_code == 200
    assert manager_client.get("/api/v1/metrics/summary/").status_code == 200


@pytest.mark.parametrize(
    "query", ["q=%00", "q=a%00b", "team=%00", "q=%ED%A0%80", "q=" + "x" * 5000]
)
def test_an_inbox_search_the_database_cannot_take_is_not_a_500(agent_client, query):
    response = agent_client.get(f"/?{query}")

    assert response.status_code in (200, 400)


@pytest.mark.parametrize("query", ["q=%00", "team=a%00"])
def test_an_inbox_search_with_a_nul_is_400_with_the_reason(agent_client, query):
    response = agent_client.get(f"/?{query}")

    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_the_offer_form_offers_the_currencies_with_a_default(
    agent_client, make_case, settings
):
    settings.CURRENCIES = ["CHF", "GBP"]
    case = make_case("resolving")

    html = agent_client.get(url(case)).content.decode()

    assert '<select name="currency"' in html
    assert '<option value="CHF" selected>CHF</option>' in html
    assert '<option value="GBP">GBP</option>' in html


@pytest.mark.parametrize("currency", ["XYZ", "ABC", "eur"])
def test_an_offer_in_an_unknown_currency_is_a_form_error(
    agent_client, make_case, currency
):
    case = make_case("resolving")

    response = agent_client.post(
        url(case, "offers"), {"kind": "refund", "amount": "5", "currency": currency}
    )

    # Refused panels go back to the panel, the error kept (no-JS path).
    assert response.status_code == 302
    response = agent_client.get(response["Location"])
    assert not Offer.objects.exists()


@pytest.mark.parametrize("amount", ["-1", "0", "10000000000", "1e15", "0.001"])
def test_an_amount_out_of_bounds_is_a_form_error(agent_client, make_case, amount):
    case = make_case("resolving")

    response = agent_client.post(
        url(case, "offers"), {"kind": "refund", "amount": amount, "currency": "GBP"}
    )

    # Refused panels go back to the panel, the error kept (no-JS path).
    assert response.status_code == 302
    response = agent_client.get(response["Location"])
    assert not Offer.objects.exists()


def test_an_apology_only_offer_with_an_amount_is_refused(agent_client, make_case):
    case = make_case("resolving")

    response = agent_client.post(
        url(case, "offers"),
        {"kind": "apology_only", "amount": "50", "currency": "GBP"},
    )

    # Refused panels go back to the panel, the error kept (no-JS path).
    assert response.status_code == 302
    response = agent_client.get(response["Location"])
    assert "carries no amount" in response.content.decode()
    assert not Offer.objects.exists()


def test_an_apology_only_offer_ignores_the_preselected_currency(
    agent_client, make_case
):
    case = make_case("resolving")

    agent_client.post(
        url(case, "offers"), {"kind": "apology_only", "amount": "", "currency": "GBP"}
    )

    offer = Offer.objects.get()
    assert (offer.amount, offer.currency) == (None, "")


@pytest.mark.parametrize("field", ["subject", "description", "name", "phone"])
def test_the_public_form_refuses_a_nul_with_a_form_error(client, field):
    data = {
        "name": "Ada",
        "email": "ada@example.com",
        "subject": "Broken",
        "description": "It broke.",
        field: "bad \x00 text",
    }

    response = client.post("/complain/", data)

    assert response.status_code == 200
    assert "NUL" in response.content.decode() or "Null" in response.content.decode()
    assert not Case.objects.exists()
    assert not Customer.objects.exists()


def test_a_ten_thousand_character_note_on_a_case_is_a_form_error(
    agent_client, make_case
):
    case = make_case("listening")

    response = agent_client.post(
        url(case, "messages"), {"visibility": "internal", "body": "x" * 20_001}
    )

    # Refused panels go back to the panel, the error kept (no-JS path).
    assert response.status_code == 302
    response = agent_client.get(response["Location"])
    assert not case.messages.filter(visibility="internal").exists()
