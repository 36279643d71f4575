"""Offers and follow-ups over the API: making, moving, approving, completing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.actors import Actor
from complaints.lifecycle import offer_make
from complaints.models import Event, OfferLimit
from followups.models import FollowUp
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def offer_on(client, case, **body):
    body.setdefault("kind", "replacement")
    return client.post(
        f"/api/v1/complaints/{case.reference}/offers/", body, format="json"
    )


def move(client, offer_id, verb, body=None):
    return client.post(f"/api/v1/offers/{offer_id}/{verb}/", body or {}, format="json")


def test_an_offer_walks_from_proposed_to_fulfilled(api_as, agent, make_case):
    case = make_case("resolving")
    client = api_as(agent)
    made = offer_on(client, case, kind="credit", amount="15.00", currency="EUR")
    assert made.status_code == 201
    offer = made.json()
    assert offer["status"] == "proposed"
    assert offer["made_by"] == agent.username
    assert move(client, offer["id"], "accept").json()["status"] == "accepted"
    assert move(client, offer["id"], "fulfil", {"note": "sent"}).json()["status"] == (
        "fulfilled"
    )
    assert Event.objects.filter(case=case, kind__startswith="offer_").count() == 3


def test_above_the_limit_an_offer_waits_for_a_leads_approval(
    api_as, agent, lead, make_case
):
    OfferLimit.objects.create(kind="refund", currency="EUR", max_amount=50)
    case = make_case("resolving")
    offer = offer_on(
        api_as(agent), case, kind="refund", amount="80", currency="EUR"
    ).json()
    assert offer["status"] == "pending_approval"
    denied = move(api_as(agent), offer["id"], "approve")
    assert denied.status_code == 403
    approved = move(api_as(lead), offer["id"], "approve")
    assert approved.status_code == 200
    assert approved.json()["approved_by"] == lead.username


def test_a_move_the_offer_status_forbids_is_409(api_as, agent, make_case):
    case = make_case("resolving")
    client = api_as(agent)
    offer = offer_on(client, case).json()
    move(client, offer["id"], "decline", {"reason": "no"})
    response = move(client, offer["id"], "accept")
    assert response.status_code == 409
    assert response.json()["unmet"][0]["code"].startswith("offer status")


def test_counter_needs_what_the_customer_asked_for(api_as, agent, make_case):
    client = api_as(agent)
    offer = offer_on(client, make_case("resolving")).json()
    assert move(client, offer["id"], "counter").status_code == 400
    countered = move(
        client, offer["id"], "counter", {"counter_request": "A refund instead"}
    )
    assert countered.json()["counter_request"] == "A refund instead"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"kind": "refund"}, 422, "amount"),
        ({"kind": "refund", "amount": "10", "currency": "eur"}, 400, "currency"),
        ({"kind": "refund", "amount": "ten", "currency": "EUR"}, 400, "amount"),
        ({"kind": "refund", "amount": "1.234", "currency": "EUR"}, 400, "amount"),
        ({"kind": "bribe"}, 400, "kind"),
    ],
)
def test_bad_offer_input_is_a_problem_naming_the_field(
    api_as, agent, make_case, body, status, field
):
    response = offer_on(api_as(agent), make_case("resolving"), **body)
    assert response.status_code == status
    assert field in response.json()["errors"]


def test_an_offer_on_a_new_case_is_409(api_as, agent, make_case):
    response = offer_on(api_as(agent), make_case("new"))
    assert response.status_code == 409


def test_offers_of_another_teams_case_are_404(api_as, agent, other_team, make_case):
    outsider = StaffFactory(role="agent", teams=[other_team])
    case = make_case("resolving", team=other_team, by=outsider)
    offer = offer_make(case=case, kind="replacement", by=Actor.system("test"))
    assert move(api_as(agent), offer.pk, "accept").status_code == 404


def test_scheduling_and_completing_unsatisfied_reopens_the_case(
    api_as, agent, make_case
):
    case = make_case("resolved")
    client = api_as(agent)
    due = (timezone.now() + timedelta(days=1)).isoformat()
    scheduled = client.post(
        f"/api/v1/complaints/{case.reference}/followups/",
        {"due_at": due, "channel": "phone", "note": "Check the vase"},
        format="json",
    )
    assert scheduled.status_code == 201
    followup = scheduled.json()
    assert followup["owner"] == agent.username
    done = client.post(
        f"/api/v1/followups/{followup['id']}/complete/",
        {"outcome": "unsatisfied", "csat": 2, "note": "Still chipped"},
        format="json",
    )
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    case.refresh_from_db()
    assert case.stage == "listening"
    assert case.reopen_count == 1


def test_a_follow_up_without_consent_is_409(api_as, agent, make_case):
    case = make_case("resolved")
    case.customer.consent_to_contact = False
    case.customer.save()
    due = (timezone.now() + timedelta(days=1)).isoformat()
    response = api_as(agent).post(
        f"/api/v1/complaints/{case.reference}/followups/",
        {"due_at": due, "channel": "email"},
        format="json",
    )
    assert response.status_code == 409
    assert not FollowUp.objects.filter(case=case).exists()


def test_a_follow_up_in_the_past_is_422(api_as, agent, make_case):
    case = make_case("resolved")
    due = (timezone.now() - timedelta(days=1)).isoformat()
    response = api_as(agent).post(
        f"/api/v1/complaints/{case.reference}/followups/",
        {"due_at": due, "channel": "email"},
        format="json",
    )
    assert response.status_code == 422
    assert "due_at" in response.json()["errors"]


@pytest.mark.parametrize(
    "body", [{"outcome": "meh"}, {"outcome": "satisfied", "csat": 9}, {}]
)
def test_bad_completion_input_is_400(api_as, agent, make_case, body):
    case = make_case("following_up")
    followup = case.followups.get()
    response = api_as(agent).post(
        f"/api/v1/followups/{followup.pk}/complete/", body, format="json"
    )
    assert response.status_code == 400


def test_completing_twice_is_409(api_as, agent, make_case):
    case = make_case("following_up")
    url = f"/api/v1/followups/{case.followups.get().pk}/complete/"
    client = api_as(agent)
    assert client.post(url, {"outcome": "satisfied"}, format="json").status_code == 200
    assert client.post(url, {"outcome": "satisfied"}, format="json").status_code == 409
