"""Promises on the case page (record, confirm a suggestion, keep) and the status page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.services import message_post
from portal.links import status_token
from service_recovery.models import Promise
from service_recovery.promises import promise_keep, promise_make

pytestmark = pytest.mark.django_db


def later(days: int = 2) -> str:
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_an_agent_records_a_promise_on_the_case_page_and_keeps_it(
    agent_client, make_case, agent
):
    case = make_case("listening")
    page = agent_client.get(case.get_absolute_url()).content.decode()
    assert 'id="promises"' in page and "Record a promise" in page

    response = agent_client.post(
        f"/cases/{case.reference}/promises/",
        {"text": "We will ring you back", "due_at": later(), "customer_facing": "on"},
    )

    assert response.status_code == 302
    promise = Promise.objects.get()
    assert (promise.owner, promise.customer_facing) == (agent, True)
    page = agent_client.get(case.get_absolute_url()).content.decode()
    assert "We will ring you back" in page
    assert agent_client.post(f"/promises/{promise.pk}/keep/").status_code == 302
    promise.refresh_from_db()
    assert promise.kept_at is not None


def test_a_promise_for_someone_who_may_not_see_the_case_is_refused_inline(
    agent_client, make_case, other_agent
):
    case = make_case("listening")
    response = agent_client.post(
        f"/cases/{case.reference}/promises/",
        {"text": "We will call", "due_at": later(), "owner": other_agent.pk},
    )
    assert response.status_code == 409
    assert "may not" in response.content.decode()
    assert not Promise.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"text": "x", "due_at": "yesterday"},
        {"text": "x", "due_at": "1800-01-01T10:00"},
        {"text": "<script>x</script>", "due_at": "2001-01-01T10:00"},
        {"text": "x", "due_at": later(), "owner": "99999999999999"},
        {"text": "x", "due_at": later(), "owner": "123456"},
    ],
)
def test_bad_promise_forms_never_fail_with_a_500(agent_client, make_case, data):
    case = make_case("listening")
    response = agent_client.post(f"/cases/{case.reference}/promises/", data)
    assert response.status_code in (400, 409)
    assert "<script>x</script>" not in response.content.decode()
    assert not Promise.objects.exists()


def test_a_commitment_in_a_message_is_suggested_and_confirmed(
    agent_client, make_case, agent
):
    case = make_case("listening")
    response = agent_client.post(
        f"/cases/{case.reference}/messages/",
        {
            "visibility": "customer",
            "body": "Thanks for your patience. We will send a new kettle by Friday.",
        },
    )
    assert response.status_code == 302
    page = agent_client.get(case.get_absolute_url()).content.decode()
    assert "Did you promise this?" in page
    assert "We will send a new kettle by Friday." in page

    agent_client.post(
        f"/cases/{case.reference}/promises/",
        {
            "text": "We will send a new kettle by Friday.",
            "due_at": later(3),
            "customer_facing": "on",
        },
    )

    assert Promise.objects.get().text == "We will send a new kettle by Friday."
    page = agent_client.get(case.get_absolute_url()).content.decode()
    assert "Did you promise this?" not in page


def test_the_customer_sees_only_customer_facing_promises(client, make_case, agent):
    case = make_case("listening")
    due = timezone.now() + timedelta(days=2)
    promise_make(
        case=case, text="We will refund you", due_at=due, owner=agent, by=agent
    )
    promise_make(
        case=case,
        text="Check the courier's report",
        due_at=due,
        owner=agent,
        by=agent,
        customer_facing=False,
    )
    page = client.get(f"/status/{status_token(case)}/").content.decode()
    assert "We will refund you" in page
    assert "courier" not in page


def test_an_internal_note_suggests_nothing(agent_client, make_case, agent):
    case = make_case("listening")
    message_post(
        case=case,
        body="I will check with the warehouse tomorrow.",
        visibility="internal",
        by=agent,
    )
    page = agent_client.get(case.get_absolute_url()).content.decode()
    assert "Did you promise this?" not in page


def test_the_promises_due_queue_lists_cases_with_my_promises_due_within_a_day(
    agent_client, make_case, agent, lead
):
    soon, later_case, kept, others = (make_case("listening") for _ in range(4))
    now = timezone.now()
    promise_make(
        case=soon,
        text="Call back",
        due_at=now + timedelta(hours=5),
        owner=agent,
        by=agent,
    )
    promise_make(
        case=later_case,
        text="Call back",
        due_at=now + timedelta(days=5),
        owner=agent,
        by=agent,
    )
    done = promise_make(
        case=kept,
        text="Call back",
        due_at=now + timedelta(hours=2),
        owner=agent,
        by=agent,
    )
    promise_keep(promise=done, by=agent)
    promise_make(
        case=others,
        text="Call back",
        due_at=now + timedelta(hours=2),
        owner=lead,
        by=lead,
    )

    page = agent_client.get("/?queue=promises").content.decode()

    assert "Promises due" in page
    assert soon.reference in page
    for case in (later_case, kept, others):
        assert case.reference not in page
