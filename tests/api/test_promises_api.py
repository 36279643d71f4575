"""POST /api/v1/complaints/{reference}/promises/ and /api/v1/promises/{id}/keep/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import EventKind
from service_recovery.models import Promise
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def due(days: int = 2) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def url(case) -> str:
    return f"/api/v1/complaints/{case.reference}/promises/"


def test_an_agent_records_a_promise_on_a_case(api_as, make_case, agent):
    case = make_case("listening")
    body = {
        "text": "We will refund you by Friday",
        "due_at": due(),
        "owner": agent.username,
    }

    response = api_as(agent).post(url(case), body, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["case"], data["owner"], data["customer_facing"]) == (
        case.reference,
        agent.username,
        True,
    )
    event = case.events.get(kind=EventKind.PROMISE_MADE)
    assert event.data["promise_id"] == data["id"]
    listed = api_as(agent).get(url(case)).json()
    assert [p["id"] for p in listed] == [data["id"]]


def test_the_owner_must_be_staff_who_may_see_the_case(
    api_as, make_case, agent, other_team
):
    stranger = StaffFactory(role="agent", teams=[other_team])
    case = make_case("listening")
    body = {"text": "We will call", "due_at": due(), "owner": stranger.username}

    response = api_as(agent).post(url(case), body, format="json")

    assert response.status_code == 422
    assert "owner" in response.json()["errors"]
    assert not Promise.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        [],
        {"text": "", "due_at": "2030-01-01T00:00:00Z"},
        {"text": "x", "due_at": "not a date"},
        {"text": "x", "due_at": "2001-01-01T00:00:00Z"},
        {"text": "x", "due_at": "9999-12-31T23:59:59Z"},
        {"text": "x" * 501, "due_at": "2030-01-01T00:00:00Z"},
        {"text": "a\x00b", "due_at": "2030-01-01T00:00:00Z"},
        {"text": "x", "due_at": "2030-01-01T00:00:00Z", "owner": "nobody"},
    ],
)
def test_a_bad_promise_is_refused_as_a_problem(api_as, make_case, agent, body):
    case = make_case("listening")
    if isinstance(body, dict):
        body.setdefault("owner", agent.username)
    response = api_as(agent).post(url(case), body, format="json")
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/problem+json")


def test_another_teams_case_is_not_found(api_as, make_case, other_team):
    stranger = StaffFactory(role="agent", teams=[other_team])
    case = make_case("listening")
    body = {"text": "We will call", "due_at": due(), "owner": stranger.username}
    assert api_as(stranger).post(url(case), body, format="json").status_code == 404


def test_keeping_a_promise_stamps_it_once(api_as, make_case, agent, other_team):
    case = make_case("listening")
    body = {"text": "We will call", "due_at": due(), "owner": agent.username}
    promise_id = api_as(agent).post(url(case), body, format="json").json()["id"]
    stranger = StaffFactory(role="agent", teams=[other_team])

    assert (
        api_as(stranger).post(f"/api/v1/promises/{promise_id}/keep/").status_code == 404
    )
    first = api_as(agent).post(f"/api/v1/promises/{promise_id}/keep/")
    again = api_as(agent).post(f"/api/v1/promises/{promise_id}/keep/")

    assert first.status_code == again.status_code == 200
    assert first.json()["kept_at"] == again.json()["kept_at"] is not None
    assert case.events.filter(kind=EventKind.PROMISE_KEPT).count() == 1
