"""The customer's status page: what it shows, and what the customer can do there."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints import lifecycle
from complaints.models import Event, Message
from complaints.services import case_set_awaiting_customer, message_post
from portal import links
from portal.copy import STEPS


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def url(case, *parts):
    return "/".join([f"/status/{links.status_token(case)}", *parts]) + "/"


def offer_url(case, offer, action):
    return url(case, "offers", str(offer.pk), action)


@pytest.fixture
def resolving(make_case):
    return make_case("resolving")


@pytest.fixture
def offer(resolving, agent):
    return lifecycle.offer_make(
        case=resolving,
        kind="refund",
        amount="25.00",
        currency="EUR",
        description="Your money back.",
        by=agent,
    )


def test_the_page_shows_the_case_in_plain_words(client, make_case):
    case = make_case("listening")
    response = client.get(url(case))
    assert response.status_code == 200
    body = response.content.decode()
    assert case.reference in body
    assert case.subject in body
    assert "We&#x27;re listening" in body or "We're listening" in body
    steps = response.context["steps"]
    assert [s.state for s in steps] == ["done", "current"] + ["upcoming"] * 4
    assert len(steps) == len(STEPS)
    assert 'aria-current="step"' in body
    assert "Inbox" not in body


def test_only_customer_facing_messages_are_shown(client, make_case, agent):
    case = make_case("listening")
    message_post(
        case=case, body="SECRET internal thought", visibility="internal", by=agent
    )
    message_post(
        case=case, body="Could you send a photo?", visibility="customer", by=agent
    )
    body = client.get(url(case)).content.decode()
    assert "Could you send a photo?" in body
    assert "SECRET internal thought" not in body
    assert "Our team" in body


def test_a_token_for_one_case_never_shows_another(client, make_case, agent):
    mine = make_case("listening", subject="Mine: broken kettle")
    theirs = make_case("listening", subject="Theirs: lost parcel")
    message_post(
        case=theirs,
        body="Reply for the other customer",
        visibility="customer",
        by=agent,
    )
    body = client.get(url(mine)).content.decode()
    assert "broken kettle" in body
    assert "lost parcel" not in body
    assert "Reply for the other customer" not in body
    assert theirs.reference not in body


@pytest.mark.parametrize(
    "token",
    ["nonsense", "eyJjIjoiQy0yMDI2LTAwMDAwMSJ9:1abc:xyz", "a" * 300],
)
def test_a_bad_token_is_a_friendly_404(client, db, token):
    response = client.get(f"/status/{token}/")
    assert response.status_code == 404
    assert "We couldn't open this link" in response.content.decode()


def test_a_tampered_token_is_a_404(client, make_case):
    case = make_case("listening")
    token = links.status_token(case)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert client.get(f"/status/{tampered}/").status_code == 404


def test_a_survey_token_does_not_open_a_status_page(client, make_case):
    case = make_case("following_up")
    survey_token = links.survey_token(case.followups.get())
    assert client.get(f"/status/{survey_token}/").status_code == 404


def test_an_expired_token_is_a_404(client, make_case):
    case = make_case("listening")
    with time_machine.travel(
        timezone.now() - timedelta(seconds=links.STATUS_MAX_AGE + 60)
    ):
        old = links.status_token(case)
    assert client.get(f"/status/{old}/").status_code == 404
    assert client.get(url(case)).status_code == 200


def test_a_token_naming_a_case_that_does_not_exist_is_a_404(client, db):
    class Ghost:
        reference = "C-2000-999999"
        link_epoch = 0

    assert client.get(f"/status/{links.status_token(Ghost)}/").status_code == 404


def test_the_customer_can_send_a_message(client, make_case):
    case = make_case("listening")
    page = client.get(url(case))
    nonce = page.context["message_form"]["nonce"].value()
    response = client.post(
        url(case, "messages"), {"body": "Here is my photo.", "nonce": nonce}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#messages")
    message = Message.objects.get(case=case)
    assert (message.kind, message.visibility, message.author_label) == (
        "from_customer",
        "customer",
        "customer",
    )
    event = Event.objects.get(case=case, kind="message_added")
    assert event.actor_label == "customer"
    body = client.get(response["Location"]).content.decode()
    assert "Here is my photo." in body
    assert "Your message is with our team" in body


def test_a_message_ends_the_wait_on_the_customer(client, make_case, agent):
    case = make_case("listening")
    case_set_awaiting_customer(case=case, awaiting=True, by=agent)
    assert "waiting to hear back from you" in client.get(url(case)).content.decode()
    client.post(url(case, "messages"), {"body": "Here it is.", "nonce": "n1"})
    case.refresh_from_db()
    assert case.awaiting_customer is False


def test_a_double_submitted_message_is_stored_once(client, make_case):
    case = make_case("listening")
    data = {"body": "Only once please.", "nonce": "same-nonce"}
    client.post(url(case, "messages"), data)
    second = client.post(url(case, "messages"), data, follow=True)
    assert Message.objects.filter(case=case).count() == 1
    assert "We already have that message" in second.content.decode()


def test_posting_on_a_status_page_is_rate_limited(client, make_case, settings):
    settings.PORTAL_RATE_LIMITS = {"status": 2}
    case = make_case("listening")
    for n in range(2):
        client.post(url(case, "messages"), {"body": f"Message {n}", "nonce": f"n{n}"})
    response = client.post(url(case, "messages"), {"body": "Too many", "nonce": "n9"})
    assert response.status_code == 429
    assert Message.objects.filter(case=case).count() == 2
    assert client.get(url(case)).status_code == 200  # reading is never limited


def test_an_empty_message_re_renders_with_an_error(client, make_case):
    case = make_case("listening")
    response = client.post(url(case, "messages"), {"body": "   ", "nonce": "n"})
    assert response.status_code == 200
    assert "Your message is empty." in response.content.decode()
    assert Message.objects.filter(case=case).count() == 0


def test_a_closed_case_takes_no_new_messages(client, make_case):
    case = make_case("closed")
    with time_machine.travel(timezone.now(), tick=False):  # one token for both
        body = client.get(url(case)).content.decode()
        assert 'action="' + url(case, "messages") not in body
    assert "/messages/" not in body
    response = client.post(url(case, "messages"), {"body": "Hello?", "nonce": "n"})
    assert response.status_code == 302
    assert Message.objects.filter(case=case, kind="from_customer").count() == 0


def test_a_proposed_offer_shows_with_its_answers(client, offer):
    with time_machine.travel(timezone.now(), tick=False):  # one token for all
        body = client.get(url(offer.case)).content.decode()
        expected = [
            offer_url(offer.case, offer, a) for a in ("accept", "decline", "counter")
        ]
    assert "A full refund: €25.00" in body  # money by locale (was "25.00 EUR")
    assert "Your money back." in body
    for link in expected:
        assert link in body


def test_an_offer_awaiting_internal_approval_is_not_shown(client, resolving, agent):
    from complaints.models import OfferLimit

    OfferLimit.objects.create(kind="refund", currency="EUR", max_amount=10)
    pending = lifecycle.offer_make(
        case=resolving, kind="refund", amount="500", currency="EUR", by=agent
    )
    assert pending.status == "pending_approval"
    body = client.get(url(resolving)).content.decode()
    assert "500" not in body
    assert client.post(offer_url(resolving, pending, "accept")).status_code == 404
    pending.refresh_from_db()
    assert pending.status == "pending_approval"


def test_accepting_an_offer_moves_it_and_records_the_customer(client, offer):
    response = client.post(offer_url(offer.case, offer, "accept"))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "accepted"
    event = Event.objects.get(case=offer.case, kind="offer_accepted")
    assert event.actor_label == "customer"
    assert (
        "We&#x27;ll get on with it" in client.get(response["Location"]).content.decode()
    )


def test_accepting_twice_explains_instead_of_failing(client, offer):
    client.post(offer_url(offer.case, offer, "accept"))
    again = client.post(offer_url(offer.case, offer, "accept"), follow=True)
    assert again.status_code == 200
    assert "already accepted this offer" in again.content.decode()
    assert Event.objects.filter(case=offer.case, kind="offer_accepted").count() == 1


def test_declining_an_offer_keeps_the_reason(client, offer):
    client.post(offer_url(offer.case, offer, "decline"), {"reason": "Too little."})
    offer.refresh_from_db()
    assert offer.status == "declined"
    event = Event.objects.get(case=offer.case, kind="offer_declined")
    assert (event.actor_label, event.data.get("note")) == ("customer", "Too little.")


def test_countering_records_what_the_customer_would_prefer(client, offer):
    client.post(
        offer_url(offer.case, offer, "counter"), {"counter_request": "A new one."}
    )
    offer.refresh_from_db()
    assert (offer.status, offer.counter_request) == ("countered", "A new one.")
    event = Event.objects.get(case=offer.case, kind="offer_countered")
    assert event.actor_label == "customer"


def test_an_empty_counter_re_renders_with_the_error_at_the_offer(client, offer):
    response = client.post(
        offer_url(offer.case, offer, "counter"), {"counter_request": ""}
    )
    assert response.status_code == 200
    assert "Please tell us what you" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == "proposed"


def test_an_offer_of_another_case_is_a_404(client, offer, make_case):
    other = make_case("listening")
    response = client.post(offer_url(other, offer, "accept"))
    assert response.status_code == 404
    offer.refresh_from_db()
    assert offer.status == "proposed"


def test_an_unknown_offer_action_is_a_404(client, offer):
    assert client.post(offer_url(offer.case, offer, "fulfil")).status_code == 404
    offer.refresh_from_db()
    assert offer.status == "proposed"


def test_consent_can_be_withdrawn_and_given_again(client, make_case):
    case = make_case("listening")
    customer = case.customer
    assert customer.consent_to_contact is True
    client.post(url(case, "consent"), {"consent": "no"})
    customer.refresh_from_db()
    assert customer.consent_to_contact is False
    client.post(url(case, "consent"), {"consent": "yes"})
    customer.refresh_from_db()
    assert customer.consent_to_contact is True
    kinds = Event.objects.filter(case=case, kind="consent_changed")
    assert [(e.after, e.actor_label) for e in kinds] == [
        (False, "customer"),
        (True, "customer"),
    ]


def test_a_bad_consent_value_changes_nothing(client, make_case):
    case = make_case("listening")
    response = client.post(url(case, "consent"), {"consent": "maybe"})
    assert response.status_code == 302
    case.customer.refresh_from_db()
    assert case.customer.consent_to_contact is True


@pytest.mark.parametrize("path", ["messages", "consent"])
def test_posts_need_a_csrf_token(make_case, path):
    case = make_case("listening")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(url(case, path), {"body": "x", "consent": "no"})
    assert response.status_code == 403
    assert Message.objects.filter(case=case).count() == 0


def test_offer_answers_need_a_csrf_token(offer):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(offer_url(offer.case, offer, "accept")).status_code == 403
    offer.refresh_from_db()
    assert offer.status == "proposed"


def test_the_status_page_is_not_cached(client, make_case):
    response = client.get(url(make_case("new")))
    assert "no-store" in response["Cache-Control"]


def test_get_on_an_action_url_is_refused(client, make_case):
    case = make_case("listening")
    assert client.get(url(case, "messages")).status_code == 405


def test_the_reverse_names_resolve(make_case):
    case = make_case("new")
    token = links.status_token(case)
    assert reverse("portal:status", args=[token]) == f"/status/{token}/"


@pytest.mark.parametrize(
    "path, data",
    [
        ("offers/99999999999999999999999/accept", {}),
        ("offers/0/counter", {"counter_request": "x"}),
        ("messages", {"body": "x" * 10_001, "nonce": "n"}),
        ("messages", {"body": "nul \x00", "nonce": "n"}),
        ("messages", {"body": "ok", "nonce": "n" * 65}),
        ("consent", {"consent": ["yes", "no"]}),
    ],
)
def test_hostile_posts_never_fail_with_a_500(client, make_case, path, data):
    case = make_case("listening")
    response = client.post(url(case, path), data)
    assert response.status_code in (200, 302, 404)
    assert Message.objects.filter(case=case).count() == 0


def test_a_head_request_on_the_status_page_is_answered(client, make_case):
    assert client.head(url(make_case("new"))).status_code == 200
