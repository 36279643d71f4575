"""Saved inbox views: whitelisted queries, kept per user or shared with a team."""

import pytest

from tests.factories import StaffFactory
from web.models import SavedView
from web.saved_views import saved_view_create, saved_views_for
from web.selectors.inbox import InboxFilters

pytestmark = pytest.mark.django_db


def test_saving_a_view_keeps_only_known_parameters(agent_client, agent):
    response = agent_client.post(
        "/views/",
        {
            "name": "Urgent ones",
            "query": "queue=all&priority=urgent&sort=priority&evil=<script>&stage=bogus",
        },
    )
    view = SavedView.objects.get()
    assert view.query == "queue=all&priority=urgent&sort=priority"
    assert response["Location"] == f"/?{view.query}"
    html = agent_client.get("/").content.decode()
    assert 'href="?queue=all&amp;priority=urgent&amp;sort=priority">Urgent ones' in html


def test_a_view_shared_with_the_team_shows_to_teammates_only(
    agent, team, other_team, make_case
):
    mate = StaffFactory(role="agent", teams=[team])
    stranger = StaffFactory(role="agent", teams=[other_team])
    shared = saved_view_create(
        user=agent, name="Team", filters=InboxFilters(queue="all"), team=team
    )
    private = saved_view_create(
        user=agent, name="Mine", filters=InboxFilters(queue="mine"), team=None
    )
    assert set(saved_views_for(agent)) == {shared, private}
    assert set(saved_views_for(mate)) == {shared}
    assert set(saved_views_for(stranger)) == set()


def test_sharing_with_another_team_is_refused(agent_client, agent, other_team):
    agent_client.post(
        "/views/", {"name": "Sneaky", "query": "queue=all", "team": other_team.pk}
    )
    # The other team is not offered, so the view is kept private.
    assert SavedView.objects.get().team is None
    from complaints.exceptions import ActionForbidden

    with pytest.raises(ActionForbidden):
        saved_view_create(user=agent, name="x", filters=InboxFilters(), team=other_team)


def test_only_the_owner_deletes_a_view(agent_client, lead_client, agent, team):
    view = saved_view_create(
        user=agent, name="Team", filters=InboxFilters(queue="all"), team=team
    )
    lead_client.post(f"/views/{view.pk}/delete/")
    assert SavedView.objects.filter(pk=view.pk).exists()
    agent_client.post(f"/views/{view.pk}/delete/")
    assert not SavedView.objects.filter(pk=view.pk).exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": ""},
        {"name": "x" * 500, "query": "queue=all"},
        {"name": "a\x00b", "query": "queue=all"},
        {"name": "ok", "query": "%%%&&&==", "team": "99999999999999999999"},
    ],
)
def test_garbage_never_breaks_saving(agent_client, data):
    response = agent_client.post("/views/", data)
    assert response.status_code == 302
