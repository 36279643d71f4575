"""The timeline (CONTRACT §4): every change appends an event; none can be edited.

Each change also bumps `Case.version`, the ETag clients send back with If-Match.
"""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from complaints import lifecycle
from complaints.actors import Actor
from complaints.models import Case, Event
from complaints.services import (
    case_assign,
    case_escalate,
    case_set_awaiting_customer,
    case_update,
    message_post,
)
from followups.services import followup_complete, followup_schedule

pytestmark = pytest.mark.django_db


def change_and_last_event(case, change):
    """Run `change`; return (the one event it appended, the version step)."""
    version = Case.objects.get(pk=case.pk).version
    last_id = case.events.order_by("id").last().pk
    change()
    new = list(case.events.filter(pk__gt=last_id))
    return new, Case.objects.get(pk=case.pk).version - version


def test_filing_opens_the_timeline(make_case, agent):
    case = make_case("new")

    event = case.events.get()
    assert (event.kind, event.before, event.after, event.actor) == (
        "case_filed",
        None,
        "new",
        agent,
    )
    assert event.data["team"] == "care"
    assert case.version == 1


def test_a_transition_appends_one_event_and_bumps_the_version(make_case, agent):
    case = case_assign(case=make_case("new"), assignee=agent, by=agent)

    events, step = change_and_last_event(
        case, lambda: lifecycle.transition(case, "listening", by=agent)
    )

    assert [(e.kind, e.before, e.after) for e in events] == [
        ("stage_changed", "new", "listening")
    ]
    assert step == 1


def test_an_assignment_records_who_before_and_after(make_case, agent, lead):
    case = make_case("new")

    events, step = change_and_last_event(
        case, lambda: case_assign(case=case, assignee=lead, by=lead)
    )
    again, same = change_and_last_event(
        case, lambda: case_assign(case=case, assignee=lead, by=lead)
    )

    assert [(e.kind, e.before, e.after, e.actor) for e in events] == [
        ("assigned", None, lead.username, lead)
    ]
    assert step == 1
    assert (again, same) == ([], 0)


def test_a_message_is_recorded_without_its_text(make_case, agent):
    case = make_case("listening")

    events, step = change_and_last_event(
        case,
        lambda: message_post(
            case=case,
            body="Checking with the warehouse.",
            visibility="internal",
            by=agent,
        ),
    )

    (event,) = events
    assert event.kind == "message_added"
    assert event.data["visibility"] == "internal"
    assert "Checking" not in str(event.data)
    assert step == 1


def test_an_offer_move_records_its_status_before_and_after(make_case, agent):
    case = make_case("resolving")
    offer = lifecycle.offer_make(case=case, kind="redo", by=agent)

    events, step = change_and_last_event(
        case, lambda: lifecycle.offer_decline(offer=offer, by=agent, reason="Too slow")
    )

    assert [(e.kind, e.before, e.after) for e in events] == [
        ("offer_declined", "proposed", "declined")
    ]
    assert events[0].data["note"] == "Too slow"
    assert step == 1


def test_scheduling_a_follow_up_is_recorded_and_bumps_the_version(make_case, agent):
    case = make_case("following_up")

    events, step = change_and_last_event(
        case,
        lambda: followup_schedule(
            case=case,
            due_at=timezone.now() + timedelta(days=7),
            channel="email",
            by=agent,
        ),
    )

    assert [e.kind for e in events] == ["followup_scheduled"]
    assert events[0].data["channel"] == "email"
    assert step >= 1


def test_completing_a_follow_up_is_recorded_and_bumps_the_version(make_case, agent):
    case = make_case("following_up")
    followup = case.followups.get()

    events, step = change_and_last_event(
        case,
        lambda: followup_complete(
            followup=followup, outcome="satisfied", csat=4, by=agent
        ),
    )

    assert [(e.kind, e.data["outcome"], e.data["csat"]) for e in events] == [
        ("followup_completed", "satisfied", 4)
    ]
    assert step >= 1


def test_an_escalation_records_the_levels_and_never_lowers(make_case, agent):
    case = make_case("listening")

    events, step = change_and_last_event(
        case,
        lambda: case_escalate(
            case=case, level=1, by=Actor.system("test"), reason="first response late"
        ),
    )
    lower, none = change_and_last_event(
        case, lambda: case_escalate(case=case, level=0, by=Actor.system("test"))
    )

    assert [(e.kind, e.before, e.after, e.actor_label) for e in events] == [
        ("escalated", 0, 1, "system:test")
    ]
    assert events[0].data["reason"] == "first response late"
    assert step == 1
    assert (lower, none) == ([], 0)


def test_an_edit_records_only_the_fields_that_changed(make_case, agent):
    case = make_case("listening")

    events, step = change_and_last_event(
        case,
        lambda: case_update(
            case=case, by=agent, priority="high", subject="Parcel arrived broken"
        ),
    )

    assert [(e.kind, e.before, e.after) for e in events] == [
        ("case_edited", {"priority": "normal"}, {"priority": "high"})
    ]
    assert step == 1


def test_waiting_on_the_customer_is_recorded_both_ways(make_case, agent):
    case = make_case("resolving")

    on, _ = change_and_last_event(
        case, lambda: case_set_awaiting_customer(case=case, awaiting=True, by=agent)
    )
    off, _ = change_and_last_event(
        case,
        lambda: message_post(
            case=case,
            body="Here are the photos.",
            visibility="customer",
            kind="from_customer",
            by=Actor.customer(),
        ),
    )

    assert [(e.kind, e.after) for e in on] == [("awaiting_customer", True)]
    assert [(e.kind, e.after, e.actor_label) for e in off] == [
        ("message_added", None, "customer"),
        ("awaiting_customer", False, "customer"),
    ]


# --- append-only ----------------------------------------------------------


@pytest.fixture
def event(make_case):
    return make_case("listening").events.first()


def test_saving_an_existing_event_is_refused(event):
    event.kind = "forged"

    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_deleting_an_event_is_refused(event):
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_an_orm_bulk_update_of_events_is_refused(event):
    with pytest.raises(ValueError, match="append-only"):
        Event.objects.filter(pk=event.pk).update(kind="forged")
    with pytest.raises(ValueError, match="append-only"):
        event.kind = "forged"
        Event.objects.bulk_update([event], ["kind"])

    assert Event.objects.get(pk=event.pk).kind != "forged"


def test_an_orm_bulk_delete_of_events_is_refused(event):
    with pytest.raises(ValueError, match="append-only"):
        Event.objects.filter(pk=event.pk).delete()
    with pytest.raises(ValueError, match="append-only"):
        event.case.events.all().delete()

    assert Event.objects.filter(pk=event.pk).exists()


def test_a_raw_sql_update_is_refused_by_the_database(event):
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE complaints_event SET kind = 'forged' WHERE id = %s", [event.pk]
        )

    assert Event.objects.get(pk=event.pk).kind != "forged"


@pytest.mark.postgres
def test_a_raw_sql_delete_is_refused_by_the_database(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM complaints_event WHERE id = %s", [event.pk])

    assert Event.objects.filter(pk=event.pk).exists()


def test_deleting_a_case_cannot_take_its_timeline_with_it(event):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        event.case.delete()
