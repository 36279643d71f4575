"""The figures per offer and follow-up count an item under its case's facts:
the case's team, category, priority and channel as of the last refresh, as
every period figure (the page says "as of" that refresh). A case moved to
another team moves its offers with it at the next refresh, not before, and
an offer is counted in a team's figures exactly once at any time.
"""

import pytest
from django.test import Client

from complaints.assignment import case_route
from complaints.lifecycle.offers import offer_make
from dashboards.facts import facts_refresh
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def offers_seen(user) -> int:
    """The offers of the last 7 days on `user`'s dashboard page."""
    client = Client()
    client.force_login(user)
    response = client.get("/dashboard/", {"period": "7d"})
    assert response.status_code == 200
    return sum(kind["count"] for kind in response.context["s"]["offers"]["by_kind"])


def test_an_offer_follows_its_case_to_another_team_at_the_next_refresh(
    make_case, lead, other_team, manager
):
    other_lead = StaffFactory(role="team_lead", teams=[other_team])
    case = make_case("acknowledged")
    offer_make(case=case, kind="apology_only", by=manager)
    assert (offers_seen(lead), offers_seen(other_lead)) == (0, 0)  # no facts yet
    facts_refresh()
    assert (offers_seen(lead), offers_seen(other_lead)) == (1, 0)
    case_route(case=case, team=other_team, by=manager)
    assert (offers_seen(lead), offers_seen(other_lead)) == (1, 0)  # as of then
    facts_refresh()
    assert (offers_seen(lead), offers_seen(other_lead)) == (0, 1)
    assert offers_seen(manager) == 1
