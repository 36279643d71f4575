"""Global search on any database: SQLite (`make demo`) falls back to icontains."""

import pytest

from complaints.models import Stage
from complaints.search import cases_search, search_hits
from complaints.services import message_post
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


def found(user, text: str) -> list[str]:
    return [c.reference for c in cases_search(user=user, text=text)]


def test_closed_cases_messages_phones_and_accounts_are_found(make_case, agent):
    closed = make_case(Stage.CLOSED)
    message_post(by=agent, case=closed, body="An albatross.", visibility="internal")
    phoned = make_case(customer=CustomerFactory(phone="+44 7700 900123"))
    make_case()
    assert found(agent, "albatross") == [closed.reference]
    assert found(agent, "7700 900") == [phoned.reference]
    [hit] = search_hits(user=agent, text="albatross")
    assert hit.reference == closed.reference and hit.snippet


def test_another_teams_case_is_not_found(make_case, agent, other_team):
    outsider = StaffFactory(role="agent", teams=[other_team])
    make_case(team=other_team, by=outsider, subject="Gooseberry")
    assert found(agent, "gooseberry") == []
