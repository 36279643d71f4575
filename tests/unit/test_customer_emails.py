"""Customer-facing messages reach the customer by email, with their status link."""

import pytest
from django.core import mail

from complaints.actors import Actor
from complaints.services import message_post
from notifications.models import Outbox
from notifications.services import outbox_deliver_many


@pytest.mark.django_db(transaction=True)
def test_the_apology_is_emailed_to_the_customer_with_a_status_link(make_case):
    case = make_case("acknowledged")
    row = Outbox.objects.get(case=case)
    assert row.to == case.customer.email
    assert "sorry" in row.subject.lower()
    assert "Will you accept our apology?" in row.body
    assert "/status/" in row.body
    outbox_deliver_many(ids=[row.pk])
    assert [m.to for m in mail.outbox] == [[case.customer.email]]


@pytest.mark.django_db
def test_internal_notes_and_customer_messages_send_no_email(make_case, agent):
    case = make_case("listening")
    message_post(
        case=case, body="Courier is Fast Parcels.", visibility="internal", by=agent
    )
    message_post(
        case=case,
        body="Any news?",
        visibility="customer",
        kind="from_customer",
        by=Actor.system("test"),
    )
    assert not Outbox.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_a_customer_without_email_gets_no_mail(make_case, agent):
    case = make_case("listening")
    case.customer.email = ""
    case.customer.save()
    message_post(case=case, body="We are on it.", visibility="customer", by=agent)
    assert not Outbox.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_a_message_sent_by_an_api_client_is_signed_by_the_team_not_the_client(
    make_case,
):
    from complaints.actors import Actor

    case = make_case("listening")
    message_post(
        case=case,
        body="We have your order details.",
        visibility="customer",
        by=Actor.of_client("shop-backend"),
    )
    body = Outbox.objects.get(case=case).body
    assert "api:" not in body and "shop-backend" not in body
    assert "The customer care team" in body


@pytest.mark.django_db
def test_a_message_from_an_agent_is_signed_with_their_first_name(make_case, team):
    from teams.services import staff_create
    from tests.factories import PASSWORD

    ada = staff_create(
        username="a.lovelace7",
        password=PASSWORD,
        teams=[team],
        first_name="Ada",
        last_name="Lovelace",
        by=Actor.system("tests"),
    )
    case = make_case("listening")
    message_post(case=case, body="I am on it.", visibility="customer", by=ada)
    body = Outbox.objects.get(case=case).body
    assert "Ada, for the customer care team" in body
    assert "a.lovelace7" not in body
