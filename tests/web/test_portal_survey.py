"""The follow-up survey: answered once, and an unhappy answer reopens the case."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from complaints.actors import Actor
from complaints.models import Event
from followups.services import followup_schedule, followups_cancel_open
from portal import links


@pytest.fixture
def followup(make_case):
    return make_case("following_up").followups.get()


def url(followup):
    return f"/survey/{links.survey_token(followup)}/"


def test_the_survey_asks_for_a_score_and_satisfaction(client, followup):
    response = client.get(url(followup))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('type="radio" name="csat"') == 5
    assert body.count('type="radio" name="outcome"') == 2
    assert "<legend>" in body
    assert followup.case.reference in body


def test_a_satisfied_answer_completes_the_follow_up_as_the_customer(client, followup):
    response = client.post(
        url(followup), {"csat": "5", "outcome": "satisfied", "note": "Lovely."}
    )
    assert response.status_code == 302
    followup.refresh_from_db()
    assert (followup.status, followup.outcome, followup.csat, followup.result_note) == (
        "done",
        "satisfied",
        5,
        "Lovely.",
    )
    event = Event.objects.get(case=followup.case, kind="followup_completed")
    assert event.actor_label == "customer"
    page = client.get(response["Location"]).content.decode()
    assert "Thank you" in page
    assert 'name="csat"' not in page


def test_an_unsatisfied_answer_reopens_the_case_and_says_someone_will_call(
    client, followup
):
    client.post(
        url(followup), {"csat": "2", "outcome": "unsatisfied", "note": "Still broken."}
    )
    case = followup.case
    case.refresh_from_db()
    assert case.stage == "listening"
    assert case.reopen_count == 1
    page = client.get(url(followup)).content.decode()
    assert "reopened" in page
    assert "in touch" in page


def test_the_survey_cannot_be_answered_twice(client, followup):
    client.post(url(followup), {"csat": "4", "outcome": "satisfied"})
    again = client.post(url(followup), {"csat": "1", "outcome": "unsatisfied"})
    assert again.status_code == 200
    assert 'name="csat"' not in again.content.decode()
    followup.refresh_from_db()
    assert (followup.csat, followup.outcome) == (4, "satisfied")
    assert (
        Event.objects.filter(case=followup.case, kind="followup_completed").count() == 1
    )


@pytest.mark.parametrize(
    "data, field",
    [
        ({"outcome": "satisfied"}, "csat"),
        ({"csat": "9", "outcome": "satisfied"}, "csat"),
        ({"csat": "x", "outcome": "satisfied"}, "csat"),
        ({"csat": "3"}, "outcome"),
        ({"csat": "3", "outcome": "unreachable"}, "outcome"),
    ],
)
def test_an_incomplete_answer_re_renders_with_the_choice_kept(
    client, followup, data, field
):
    response = client.post(url(followup), {**data, "note": "kept text"})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "kept text" in response.content.decode()
    followup.refresh_from_db()
    assert followup.status == "scheduled"


def test_a_cancelled_follow_up_shows_no_form(client, followup):
    followups_cancel_open(case=followup.case, reason="test", by=Actor.system("test"))
    response = client.get(url(followup))
    assert response.status_code == 200
    assert 'name="csat"' not in response.content.decode()


@pytest.mark.parametrize("token", ["nonsense", "x" * 200])
def test_a_bad_survey_token_is_a_friendly_404(client, db, token):
    response = client.get(f"/survey/{token}/")
    assert response.status_code == 404
    assert "We couldn't open this link" in response.content.decode()


def test_a_status_token_does_not_open_a_survey(client, followup):
    token = links.status_token(followup.case)
    assert client.get(f"/survey/{token}/").status_code == 404


def test_an_expired_survey_token_is_a_404(client, followup):
    past = timezone.now() - timedelta(seconds=links.SURVEY_MAX_AGE + 60)
    with time_machine.travel(past):
        old = links.survey_token(followup)
    assert client.get(f"/survey/{old}/").status_code == 404


def test_the_survey_needs_a_csrf_token(followup):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(url(followup), {"csat": "5", "outcome": "satisfied"})
    assert response.status_code == 403
    followup.refresh_from_db()
    assert followup.status == "scheduled"


def test_the_status_page_offers_a_due_email_check_in(client, make_case, agent):
    case = make_case("following_up")  # its phone follow-up is due tomorrow
    status = f"/status/{links.status_token(case)}/"
    assert "Tell us how we did" not in client.get(status).content.decode()
    email = followup_schedule(
        case=case,
        due_at=timezone.now() + timedelta(hours=2),
        channel="email",
        by=agent,
    )
    assert "Tell us how we did" not in client.get(status).content.decode()
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        body = client.get(status).content.decode()
    assert "Tell us how we did" in body
    token = re.search(r'href="/survey/([^/"]+)/"', body).group(1)
    assert links.read_survey_token(token) == email.pk


def test_the_error_summary_links_to_each_question(client, followup):
    body = client.post(url(followup), {}).content.decode()
    for name in ("csat", "outcome"):
        assert f'href="#id_{name}"' in body
        assert f'id="id_{name}"' in body
