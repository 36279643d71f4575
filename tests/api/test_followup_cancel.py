"""POST /api/v1/followups/{id}/cancel/ and the page's cancel button."""

import pytest
from django.test import Client

from complaints.models import Event

pytestmark = pytest.mark.django_db


def test_the_api_cancels_a_scheduled_follow_up_once(api_as, agent, make_case):
    case = make_case("following_up")
    followup = case.followups.get()
    url = f"/api/v1/followups/{followup.pk}/cancel/"
    client = api_as(agent)
    response = client.post(url, {"reason": "Moved abroad"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert Event.objects.filter(case=case, kind="followup_cancelled").count() == 1
    again = client.post(url, {}, format="json")
    assert again.status_code == 409
    assert again["Content-Type"].startswith("application/problem+json")


def test_the_api_hides_another_teams_follow_up(api_as, make_case, other_team):
    from tests.factories import StaffFactory

    case = make_case("following_up")
    outsider = StaffFactory(role="agent", teams=[other_team])
    response = api_as(outsider).post(
        f"/api/v1/followups/{case.followups.get().pk}/cancel/", {}, format="json"
    )
    assert response.status_code == 404
    assert case.followups.get().status == "scheduled"


def test_the_case_page_offers_cancel_and_cancels(agent, make_case):
    case = make_case("following_up")
    followup = case.followups.get()
    client = Client()
    client.force_login(agent)
    page = client.get(case.get_absolute_url()).content.decode()
    assert f"/followups/{followup.pk}/cancel/" in page
    response = client.post(f"/followups/{followup.pk}/cancel/", {"reason": "No"})
    assert response["Location"] == case.get_absolute_url() + "#followups"
    followup.refresh_from_db()
    assert followup.status == "cancelled"
