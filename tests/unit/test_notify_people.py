"""Notifications for every event that needs a person, and only that person."""

import pytest

from complaints import lifecycle
from complaints.actors import Actor
from complaints.models import MessageKind, Visibility
from complaints.services import case_assign, message_post
from notifications.models import Notification, Outbox
from notifications.services import email_preference_set
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def with_email(*users):
    for user in users:
        user.email = f"{user.username}@example.com"
        user.save()


def told(kind: str) -> list[int]:
    rows = Notification.objects.filter(kind=kind).order_by("recipient_id")
    return [n.recipient_id for n in rows]


@pytest.fixture
def people(agent, lead, manager, other_team):
    outsider = StaffFactory(role="team_lead", teams=[other_team])
    colleague = StaffFactory(role="agent", teams=[agent.staff.teams.first()])
    with_email(agent, lead, manager, outsider, colleague)
    return outsider, colleague


def test_an_offer_above_the_limit_tells_who_may_approve_it_and_not_its_maker(
    resolving, agent, lead, manager, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.offer_make(
            case=resolving, kind="refund", amount="150", currency="GBP", by=agent
        )
    assert told("approval_requested") == sorted([lead.pk, manager.pk])
    note = Notification.objects.get(kind="approval_requested", recipient=lead)
    assert "£150.00" in note.title and note.case_id == resolving.pk
    mails = Outbox.objects.filter(key__contains="approval") | Outbox.objects.filter(
        notification__kind="approval_requested"
    )
    assert sorted(m.to for m in mails) == sorted([lead.email, manager.email])


def test_an_offer_within_the_limit_tells_nobody(
    resolving, agent, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.offer_make(
            case=resolving, kind="refund", amount="50", currency="GBP", by=agent
        )
    assert not Notification.objects.exists()


def test_approving_and_rejecting_tell_the_maker_only(
    resolving, agent, lead, manager, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = lifecycle.offer_make(
            case=resolving, kind="refund", amount="150", currency="GBP", by=agent
        )
        second = lifecycle.offer_make(
            case=resolving, kind="credit", amount="45", currency="GBP", by=agent
        )
        lifecycle.offer_approve(offer=first, by=lead)
        lifecycle.offer_reject(offer=second, by=manager, reason="Too generous")
    assert told("offer_approved") == [agent.pk]
    assert told("offer_rejected") == [agent.pk]
    rejected = Notification.objects.get(kind="offer_rejected")
    assert "Too generous" in rejected.body


def test_the_customer_replying_and_answering_offers_tells_the_assignee_only(
    resolving, agent, lead, people, django_capture_on_commit_callbacks
):
    customer = Actor.customer()
    with django_capture_on_commit_callbacks(execute=True):
        message_post(
            case=resolving,
            body="Any news?",
            visibility=Visibility.CUSTOMER,
            kind=MessageKind.FROM_CUSTOMER,
            by=customer,
        )
        message_post(
            case=resolving, body="Internal", visibility=Visibility.INTERNAL, by=lead
        )
        offers = [
            lifecycle.offer_make(case=resolving, kind="replacement", by=lead)
            for _ in range(3)
        ]
        lifecycle.offer_accept(offer=offers[0], by=customer)
        lifecycle.offer_decline(offer=offers[1], by=customer, reason="Too late")
        lifecycle.offer_counter(
            offer=offers[2], by=customer, counter_request="A refund instead"
        )
    assert told("customer_replied") == [agent.pk]
    assert told("offer_accepted") == [agent.pk]
    assert told("offer_declined") == [agent.pk]
    assert told("offer_countered") == [agent.pk]
    assert "A refund instead" in Notification.objects.get(kind="offer_countered").body
    assert Notification.objects.count() == 4


def test_the_assignee_recording_an_answer_themself_is_not_told(
    resolving, agent, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offer = lifecycle.offer_make(case=resolving, kind="replacement", by=agent)
        lifecycle.offer_accept(offer=offer, by=agent)
    assert not Notification.objects.exists()


def test_being_assigned_tells_the_new_assignee_but_taking_a_case_tells_nobody(
    make_case, agent, lead, people, django_capture_on_commit_callbacks
):
    outsider, colleague = people
    with django_capture_on_commit_callbacks(execute=True):
        taken = make_case("new")
        case_assign(case=taken, assignee=agent, by=agent)
        given = make_case("new")
        case_assign(case=given, assignee=colleague, by=lead)
    assert told("assigned") == [colleague.pk]
    note = Notification.objects.get(kind="assigned")
    assert note.case_id == given.pk and lead.username in note.body
    assert Outbox.objects.get(notification=note).to == colleague.email


def test_email_preferences_keep_the_notice_but_not_the_mail(
    resolving, agent, lead, people, django_capture_on_commit_callbacks
):
    email_preference_set(user=agent, kinds=["assigned", "no-such-kind"])
    with django_capture_on_commit_callbacks(execute=True):
        offer = lifecycle.offer_make(
            case=resolving, kind="refund", amount="150", currency="GBP", by=agent
        )
        lifecycle.offer_approve(offer=offer, by=lead)
    note = Notification.objects.get(kind="offer_approved")
    assert note.recipient == agent
    assert not Outbox.objects.filter(notification=note).exists()
    assert Outbox.objects.filter(notification__recipient=lead).exists()
