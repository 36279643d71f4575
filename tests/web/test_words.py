"""Words: money by locale, who said what, a styled 403, the dashboard's scope line."""

import pytest
from django.test import Client

from complaints import lifecycle
from complaints.actors import Actor
from complaints.models import MessageKind, OfferLimit, Visibility
from complaints.services import message_post
from dashboards.metrics.table import Table
from portal import links

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_money_reads_as_pounds_for_agents_customers_and_the_timeline(agent, make_case):
    case = make_case("resolving")
    lifecycle.offer_make(
        case=case, kind="refund", amount="150", currency="GBP", by=agent
    )
    page = login(agent).get(case.get_absolute_url()).content.decode()
    assert "£150.00" in page
    assert "150.00 GBP" not in page
    status = Client().get(f"/status/{links.status_token(case)}/").content.decode()
    assert "£150.00" in status and "150.00 GBP" not in status


def test_dashboard_money_cells_are_rounded_to_the_currency():
    table = Table(
        name="offers",
        title="Offers",
        definition="",
        columns=[("kind", "Kind", "text"), ("total", "Total", "money")],
        rows=[{"kind": "refund", "currency": "EUR", "total": "1327.51000000000"}],
    )
    [(_, _, cells)] = table.cells()
    assert cells == [("€1,327.51", True)]


def test_a_rejected_offers_note_is_on_its_card(agent, lead, make_case):
    OfferLimit.objects.create(kind="refund", currency="GBP", max_amount="100.00")
    case = make_case("resolving")
    offer = lifecycle.offer_make(
        case=case, kind="refund", amount="150", currency="GBP", by=agent
    )
    lifecycle.offer_reject(offer=offer, by=lead, reason="Above <what> we pay")
    page = login(agent).get(case.get_absolute_url()).content.decode()
    card = page.split('class="offer offer-rejected"')[1].split("</li>")[0]
    assert "Rejected because: Above &lt;what&gt; we pay" in card


def test_the_timeline_says_the_customer_wrote_to_us(agent, make_case):
    case = make_case("listening")
    message_post(
        case=case,
        body="Hello?",
        visibility=Visibility.CUSTOMER,
        kind=MessageKind.FROM_CUSTOMER,
        by=Actor.customer(),
    )
    page = login(agent).get(case.get_absolute_url()).content.decode()
    assert "wrote to us" in page
    assert "added a message to the customer" not in page


def test_the_customer_page_does_not_claim_our_note_as_their_words(make_case):
    case = make_case("resolving")  # the agent recorded "A replacement vase."
    page = Client().get(f"/status/{links.status_token(case)}/").content.decode()
    told = page.split('class="your-words"')[1].split("</details>")[0]
    assert "A replacement vase." not in told
    assert "What we noted would put it right" in page
    assert "A replacement vase." in page


def test_an_agent_opening_the_dashboard_gets_a_styled_403(agent):
    response = login(agent).get("/dashboard/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "redress.css" in body and "You cannot open this page" in body
    assert "team leads and managers" in body


def test_the_dashboard_header_names_the_team_it_is_filtered_to(manager, team):
    page = login(manager).get("/dashboard/", {"team": team.slug}).content.decode()
    head = page.split('class="dash-head"')[1].split("</hgroup>")[0]
    assert f"team: {team.name}" in head and "all teams" not in head
    whole = login(manager).get("/dashboard/").content.decode()
    assert "all teams" in whole.split('class="dash-head"')[1].split("</hgroup>")[0]
