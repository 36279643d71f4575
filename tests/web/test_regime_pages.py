"""Regulated handling on the pages: statutory clocks on the case page, letters
for the customer on their status page."""

import pytest

from portal.links import status_token
from regimes.sending import letter_send
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fca_case(settings, team, agent):
    settings.DEFAULT_REGIME = "fca"
    return CaseFactory.in_stage("listening", team=team, by=agent, assignee=agent)


def test_the_case_page_shows_statutory_clocks_beside_the_sla(agent_client, fca_case):
    html = agent_client.get(fca_case.get_absolute_url()).content.decode()
    assert "Statutory (fca)" in html
    assert "Final response: <strong" in html
    assert "Summary resolution window" in html
    assert "never pause" in html


def test_a_case_without_a_regime_shows_no_statutory_clocks(agent_client, make_case):
    html = agent_client.get(make_case("listening").get_absolute_url()).content.decode()
    assert 'id="statutory-clocks"' not in html


def test_the_customer_downloads_the_letter_exactly_as_sent(client, fca_case, manager):
    letter = letter_send(
        case=fca_case, kind="final_response", outcome="upheld", by=manager
    )
    token = status_token(fca_case)
    page = client.get(f"/status/{token}/").content.decode()
    link = f"/status/{token}/letters/{letter.pk}/"
    assert link in page
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(letter.pdf)


def test_a_link_never_reaches_another_cases_letter(client, fca_case, manager, team):
    other = CaseFactory.file(team=team)
    theirs = letter_send(case=other, kind="acknowledgement", by=manager)
    response = client.get(f"/status/{status_token(fca_case)}/letters/{theirs.pk}/")
    assert response.status_code == 404
    assert theirs.body.encode() not in response.content
