"""The case page's panels: messages with the pitch warning, offers, follow-ups."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from complaints.models import Message, Offer, OfferLimit
from followups.models import FollowUp

pytestmark = pytest.mark.django_db

PITCH = "Sorry about that! Why not try our premium plan upgrade? Limited time only."


def url(case, action=""):
    return f"/cases/{case.reference}/" + (f"{action}/" if action else "")


def test_an_internal_note_is_stored_and_shown_as_staff_only(agent_client, make_case):
    case = make_case("listening")
    agent_client.post(
        url(case, "messages"), {"visibility": "internal", "body": "Check the courier"}
    )
    message = Message.objects.get(case=case, body="Check the courier")
    assert message.visibility == "internal"
    html = agent_client.get(url(case)).content.decode()
    assert "Internal note — staff only" in html


def test_a_pitch_to_the_customer_is_held_with_a_warning(agent_client, make_case):
    case = make_case("acknowledged")
    response = agent_client.post(
        url(case, "messages"), {"visibility": "customer", "body": PITCH}
    )
    html = response.content.decode()
    assert "This reads like a sales pitch" in html
    assert "“upgrade”" in html and "Send anyway" in html
    assert not Message.objects.filter(case=case, body=PITCH).exists()


def test_sending_a_pitch_anyway_marks_the_message(agent_client, make_case):
    case = make_case("acknowledged")
    agent_client.post(
        url(case, "messages"),
        {"visibility": "customer", "body": PITCH, "send_anyway": "1"},
    )
    message = Message.objects.get(case=case, body=PITCH)
    assert message.pitch_warning is True
    assert (
        "sent despite the pitch warning" in agent_client.get(url(case)).content.decode()
    )


def test_an_internal_note_is_never_pitch_checked(agent_client, make_case):
    case = make_case("acknowledged")
    agent_client.post(url(case, "messages"), {"visibility": "internal", "body": PITCH})
    assert Message.objects.get(case=case, body=PITCH).pitch_warning is False


def test_an_empty_message_shows_an_inline_error(agent_client, make_case):
    case = make_case("listening")
    response = agent_client.post(
        url(case, "messages"), {"visibility": "customer", "body": " "}
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_the_live_pitch_check_warns_only_for_customer_messages(agent_client):
    warned = agent_client.post(
        "/pitch-check/", {"visibility": "customer", "body": PITCH}
    )
    assert "sales pitch" in warned.content.decode()
    quiet = agent_client.post(
        "/pitch-check/", {"visibility": "internal", "body": PITCH}
    )
    assert "sales pitch" not in quiet.content.decode()


def test_customer_text_is_escaped(agent_client, make_case):
    case = make_case("listening", subject="<script>alert(1)</script>")
    html = agent_client.get(url(case)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def _make_offer(client, case, **data):
    data = {"kind": "refund", "amount": "50.00", "currency": "EUR", **data}
    return client.post(url(case, "offers"), data)


def test_an_offer_within_the_limit_is_proposed(agent_client, make_case):
    case = make_case("resolving")
    _make_offer(agent_client, case)
    assert Offer.objects.get(case=case).status == "proposed"


def test_an_offer_on_a_listening_case_is_refused_with_the_reason(
    agent_client, make_case
):
    case = make_case("listening")
    response = _make_offer(agent_client, case)
    assert response.status_code == 409
    assert (
        "Offers are made once the customer has been heard" in response.content.decode()
    )


def test_a_refund_without_an_amount_is_refused(agent_client, make_case):
    case = make_case("resolving")
    response = _make_offer(agent_client, case, amount="")
    assert response.status_code == 409
    assert "needs an amount" in response.content.decode()


def test_above_the_limit_an_agent_waits_and_a_lead_approves(
    agent_client, lead_client, make_case
):
    OfferLimit.objects.create(kind="refund", currency="EUR", max_amount=Decimal(20))
    case = make_case("resolving")
    _make_offer(agent_client, case)
    offer = Offer.objects.get(case=case)
    assert offer.status == "pending_approval"
    page = agent_client.get(url(case)).content.decode()
    assert "waiting for a team lead or a manager" in page
    refused = agent_client.post(f"/offers/{offer.pk}/approve/")
    assert refused.status_code == 409
    assert "or a manager may approve" in refused.content.decode()
    assert "Approve" in lead_client.get(url(case)).content.decode()
    lead_client.post(f"/offers/{offer.pk}/approve/")
    offer.refresh_from_db()
    assert offer.status == "proposed"


def test_a_lead_rejects_with_a_note(lead_client, agent_client, make_case):
    OfferLimit.objects.create(kind="refund", currency="EUR", max_amount=Decimal(20))
    case = make_case("resolving")
    _make_offer(agent_client, case)
    offer = Offer.objects.get(case=case)
    lead_client.post(f"/offers/{offer.pk}/reject/", {"note": "Too much"})
    offer.refresh_from_db()
    assert offer.status == "rejected"
    assert case.events.filter(kind="offer_rejected", data__note="Too much").exists()


def test_the_customers_answers_and_fulfilment_add_up_the_cost(agent_client, make_case):
    case = make_case("resolving")
    _make_offer(agent_client, case, amount="30.00")
    _make_offer(agent_client, case, amount="10.00")
    first, second = Offer.objects.filter(case=case).order_by("id")
    agent_client.post(f"/offers/{second.pk}/counter/", {"note": "Wants 40"})
    agent_client.post(f"/offers/{first.pk}/accept/")
    agent_client.post(f"/offers/{first.pk}/fulfil/", {"note": "Refunded"})
    second.refresh_from_db()
    assert second.status == "countered" and second.counter_request == "Wants 40"
    first.refresh_from_db()
    assert first.status == "fulfilled"
    html = agent_client.get(url(case)).content.decode()
    assert "30.00 EUR paid" in html


def test_declining_and_withdrawing_offers(agent_client, make_case):
    case = make_case("resolving")
    _make_offer(agent_client, case)
    _make_offer(agent_client, case)
    first, second = Offer.objects.filter(case=case).order_by("id")
    agent_client.post(f"/offers/{first.pk}/decline/", {"note": "Not enough"})
    agent_client.post(f"/offers/{second.pk}/withdraw/")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("declined", "withdrawn")


def test_an_unknown_offer_action_or_another_teams_offer_is_404(
    agent_client, other_client, make_case
):
    case = make_case("resolving")
    _make_offer(agent_client, case)
    offer = Offer.objects.get(case=case)
    assert agent_client.post(f"/offers/{offer.pk}/explode/").status_code == 404
    assert other_client.post(f"/offers/{offer.pk}/accept/").status_code == 404


def test_consent_is_shown_and_can_be_changed(agent_client, make_case):
    case = make_case("resolved")
    case.customer.consent_to_contact = False
    case.customer.save()
    assert (
        "Consent to contact: <strong>no" in agent_client.get(url(case)).content.decode()
    )
    agent_client.post(url(case, "consent"), {"consent": "on"})
    case.customer.refresh_from_db()
    assert case.customer.consent_to_contact


def test_without_consent_a_follow_up_is_refused(agent_client, make_case):
    case = make_case("resolved")
    agent_client.post(url(case, "consent"), {})
    due = (timezone.now() + timedelta(days=1)).isoformat()
    response = agent_client.post(
        url(case, "followups"), {"due_at": due, "channel": "phone"}
    )
    assert response.status_code == 409
    assert "customer consent to be contacted" in response.content.decode()


def test_the_default_cadence_is_proposed_and_schedules(agent_client, make_case):
    case = make_case("resolved")
    response = agent_client.get(url(case))
    proposals = response.context["proposals"]
    assert len(proposals) == 3
    agent_client.post(
        url(case, "followups"),
        {"due_at": proposals[0].isoformat(), "channel": "phone"},
    )
    case.refresh_from_db()
    assert case.stage == "following_up"
    assert FollowUp.objects.get(case=case).due_at == proposals[0]


def test_completing_a_follow_up_records_outcome_and_satisfaction(
    agent_client, make_case
):
    case = make_case("following_up")
    followup = FollowUp.objects.get(case=case)
    agent_client.post(
        f"/followups/{followup.pk}/complete/",
        {"outcome": "satisfied", "csat": "4", "note": "Happy"},
    )
    followup.refresh_from_db()
    assert (followup.status, followup.outcome, followup.csat) == (
        "done",
        "satisfied",
        4,
    )


def test_an_unhappy_follow_up_reopens_the_case(agent_client, make_case):
    case = make_case("following_up")
    followup = FollowUp.objects.get(case=case)
    agent_client.post(f"/followups/{followup.pk}/complete/", {"outcome": "unsatisfied"})
    case.refresh_from_db()
    assert case.stage == "listening"


def test_a_bad_satisfaction_score_is_an_inline_error(agent_client, make_case):
    case = make_case("following_up")
    followup = FollowUp.objects.get(case=case)
    response = agent_client.post(
        f"/followups/{followup.pk}/complete/", {"outcome": "satisfied", "csat": "9"}
    )
    assert response.status_code == 400


def test_another_teams_follow_up_is_404(other_client, make_case):
    case = make_case("following_up")
    followup = FollowUp.objects.get(case=case)
    response = other_client.post(
        f"/followups/{followup.pk}/complete/", {"outcome": "satisfied"}
    )
    assert response.status_code == 404


def test_following_up_closes_when_every_follow_up_is_done(agent_client, make_case):
    case = make_case("following_up")
    followup = FollowUp.objects.get(case=case)
    agent_client.post(f"/followups/{followup.pk}/complete/", {"outcome": "satisfied"})
    case.refresh_from_db()
    agent_client.post(
        url(case, "close"), {"version": case.version, "close_reason": "satisfied"}
    )
    case.refresh_from_db()
    assert case.stage == "closed" and case.close_reason == "satisfied"


def test_a_lead_approving_their_own_offer_is_told_why_not(lead_client, make_case):
    OfferLimit.objects.create(kind="refund", currency="GBP", max_amount=Decimal(50))
    case = make_case("resolving")
    lead_client.post(
        url(case, "offers"), {"kind": "refund", "amount": "80", "currency": "GBP"}
    )
    offer = Offer.objects.get(case=case)
    assert offer.status == "pending_approval"
    response = lead_client.post(f"/offers/{offer.pk}/approve/", follow=True)
    assert "made this offer" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == "pending_approval"


def test_closing_from_the_page_with_relationship_ended_records_why(
    agent_client, make_case
):
    case = make_case("listening")
    other = make_case("new", customer=case.customer)

    agent_client.post(
        url(case, "close"),
        {
            "version": case.version,
            "close_reason": "relationship_ended",
            "reason": "Threatened staff.",
        },
    )

    case.refresh_from_db()
    other.refresh_from_db()
    assert (case.stage, other.stage) == ("closed", "closed")
    assert case.customer.relationship_ended_reason == "Threatened staff."
    html = agent_client.get(url(make_case("listening"))).content.decode()
    assert "Why the relationship ends" in html
