"""Customer links can be revoked: closing, an email change, or staff's "revoke links".

- closing a case ends its status links; the customer is emailed a fresh one,
  which shows the closed case but refuses consent changes and offer answers;
  survey links keep working for their follow-up;
- a change of the customer's email or a staff revocation ends status and
  survey links alike; open cases get a fresh status link by email.
"""

import re

import pytest
from django.core.cache import cache

from complaints import lifecycle
from complaints.links import case_links_revoke
from complaints.models import Event
from notifications.models import Outbox
from portal import links

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def status(token, *parts):
    return "/".join([f"/status/{token}", *parts]) + "/"


def fresh_link_in(case) -> str:
    """The token of the last fresh link emailed for the case."""
    row = Outbox.objects.filter(case=case, key__contains=":link:").latest("id")
    return re.search(r"/status/([^/\s]+)/", row.body).group(1)


def assert_invalid(response):
    assert response.status_code == 404
    assert "We couldn" in response.content.decode()


def close(case, by):
    return lifecycle.transition(case, "closed", by=by, close_reason="withdrawn")


def test_closing_ends_the_old_link_and_emails_a_fresh_one(client, make_case, agent):
    case = make_case("listening")
    old = links.status_token(case)
    assert client.get(status(old)).status_code == 200

    close(case, agent)

    assert_invalid(client.get(status(old)))
    fresh = fresh_link_in(case)
    page = client.get(status(fresh))
    assert page.status_code == 200
    assert case.reference in page.content.decode()
    row = Outbox.objects.filter(case=case, key__contains=":link:").get()
    assert row.to == case.customer.email
    assert "is closed" in row.subject
    event = Event.objects.get(case=case, kind="links_revoked")
    assert event.data["reason"] == "case closed"


def test_an_old_link_cannot_change_consent_after_close(client, make_case, agent):
    case = make_case("listening")
    old = links.status_token(case)
    close(case, agent)

    response = client.post(status(old, "consent"), {"consent": "no"})

    assert_invalid(response)
    case.customer.refresh_from_db()
    assert case.customer.consent_to_contact is True


def test_a_fresh_link_shows_a_closed_case_but_refuses_consent_changes(
    client, make_case, agent
):
    case = make_case("listening")
    close(case, agent)
    fresh = fresh_link_in(case)
    assert (
        'action="/status/' + fresh + '/consent/"'
        not in client.get(status(fresh)).content.decode()
    )

    response = client.post(status(fresh, "consent"), {"consent": "no"}, follow=True)

    assert "This complaint is closed" in response.content.decode()
    case.customer.refresh_from_db()
    assert case.customer.consent_to_contact is True
    assert not Event.objects.filter(case=case, kind="consent_changed").exists()


def test_an_old_link_cannot_answer_an_offer(client, make_case, agent):
    case = make_case("resolving")
    offer = lifecycle.offer_make(
        case=case, kind="refund", amount="10", currency="EUR", by=agent
    )
    old = links.status_token(case)
    case_links_revoke(case=case, by=agent)

    response = client.post(status(old, "offers", str(offer.pk), "accept"))

    assert_invalid(response)
    offer.refresh_from_db()
    assert offer.status == "proposed"


def test_staff_revoke_links_from_the_case_page(agent_client, client, make_case):
    case = make_case("listening")
    old = links.status_token(case)

    response = agent_client.post(
        f"/cases/{case.reference}/links/revoke/", {"reason": "forwarded by mistake"}
    )

    assert response.status_code == 302
    assert_invalid(client.get(status(old)))
    fresh = fresh_link_in(case)
    assert client.get(status(fresh)).status_code == 200
    event = Event.objects.get(case=case, kind="links_revoked")
    assert event.data["reason"] == "forwarded by mistake"
    page = agent_client.get(f"/cases/{case.reference}/").content.decode()
    assert "Revoke links" in page
    assert "ended the customer&#x27;s old links" in page


def test_staff_who_cannot_see_the_case_cannot_revoke(other_client, client, make_case):
    case = make_case("listening")
    old = links.status_token(case)

    response = other_client.post(f"/cases/{case.reference}/links/revoke/")

    assert response.status_code == 404
    assert client.get(status(old)).status_code == 200


def test_revoking_needs_a_post(agent_client, make_case):
    case = make_case("listening")
    response = agent_client.get(f"/cases/{case.reference}/links/revoke/")
    assert response.status_code == 405


def survey(token):
    return f"/survey/{token}/"


def test_a_survey_link_survives_close_but_not_an_explicit_revocation(
    client, make_case, agent, manager
):
    case = make_case("following_up")
    followup = case.followups.get()
    token = links.survey_token(followup)

    close(case, agent)
    assert client.get(survey(token)).status_code == 200

    case_links_revoke(case=case, by=manager)
    assert_invalid(client.get(survey(token)))


def test_a_link_made_before_epochs_still_opens_an_unrevoked_case(client, make_case):
    from django.core import signing

    case = make_case("listening")
    legacy = signing.dumps({"c": case.reference}, salt=links.STATUS_SALT, compress=True)
    assert client.get(status(legacy)).status_code == 200


def test_revoking_a_closed_cases_links_sends_no_new_link(client, make_case, agent):
    case = make_case("listening")
    close(case, agent)
    fresh = fresh_link_in(case)

    case_links_revoke(case=case, by=agent, reason="shared on social media")

    assert_invalid(client.get(status(fresh)))
    assert Outbox.objects.filter(case=case, key__contains=":link:").count() == 1
    event = Event.objects.filter(case=case, kind="links_revoked").last()
    assert event.data["fresh_link_emailed"] is False
