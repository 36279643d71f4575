"""Case services other than stage moves: file, assign, edit, escalate, wait, message.

Each refuses with a domain error naming the problem, and a stale
`expected_version` gets StaleVersion with nothing written.
"""

import pytest

from complaints import lifecycle
from complaints.actors import Actor
from complaints.exceptions import DomainError, StaleVersion
from complaints.models import Case, Category, RootCause
from complaints.services import (
    EDITABLE,
    case_assign,
    case_escalate,
    case_file,
    case_set_awaiting_customer,
    case_update,
    message_post,
)
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


# --- filing ----------------------------------------------------------------


def test_filing_trims_text_and_routes_by_category(other_team):
    category = Category.objects.create(
        name="Billing", slug="billing", default_team=other_team
    )

    case = case_file(
        customer=CustomerFactory(),
        subject="  Charged twice \n",
        description="  Two payments.  ",
        category=category,
        metadata={"order": "A-1"},
        by=Actor.system("test"),
    )

    assert (case.subject, case.description) == ("Charged twice", "Two payments.")
    assert case.team == other_team
    assert (case.stage, case.version, case.escalation_level) == ("new", 1, 0)
    assert case.metadata == {"order": "A-1"}


def test_an_explicit_team_wins_over_the_categorys(team, other_team):
    category = Category.objects.create(name="B", slug="b", default_team=other_team)

    case = case_file(
        customer=CustomerFactory(),
        subject="s",
        description="d",
        category=category,
        team=team,
        by=Actor.system("test"),
    )

    assert case.team == team


# --- assignment -----------------------------------------------------------


def test_assigning_outside_the_case_team_is_refused(make_case, other_team, lead):
    outsider = StaffFactory(role="agent", teams=[other_team])
    case = make_case("new")

    with pytest.raises(DomainError) as caught:
        case_assign(case=case, assignee=outsider, by=lead)

    assert caught.value.missing == ["assignee"]
    assert Case.objects.get(pk=case.pk).assignee is None


def test_a_manager_may_take_any_case(make_case, manager):
    case = case_assign(case=make_case("new"), assignee=manager, by=manager)

    assert case.assignee == manager


def test_assigning_to_someone_who_is_not_active_staff_is_refused(
    make_case, team, agent
):
    from django.contrib.auth import get_user_model

    stranger = get_user_model().objects.create_user("stranger")
    gone = StaffFactory(role="agent", teams=[team])
    gone.is_active = False
    gone.save()
    case = make_case("new")

    for user in (stranger, gone):
        with pytest.raises(DomainError) as caught:
            case_assign(case=case, assignee=user, by=agent)
        assert caught.value.missing == ["assignee"]


def test_unassigning_records_nobody_after(make_case, agent):
    case = case_assign(case=make_case("new"), assignee=agent, by=agent)

    case = case_assign(case=case, assignee=None, by=agent)

    assert case.assignee is None
    event = case.events.last()
    assert (event.kind, event.before, event.after) == ("assigned", agent.username, None)


def test_a_stale_assignment_writes_nothing(make_case, agent, lead):
    case = make_case("new")
    case_assign(case=case, assignee=agent, by=agent)

    with pytest.raises(StaleVersion) as caught:
        case_assign(case=case, assignee=lead, by=lead, expected_version=case.version)

    assert (caught.value.expected, caught.value.actual) == (1, 2)
    assert Case.objects.get(pk=case.pk).assignee == agent


# --- edits ------------------------------------------------------------------


@pytest.mark.parametrize(
    "field",
    ["stage", "escalation_level", "version", "close_reason", "reference", "assignee"],
)
def test_fields_outside_editable_are_refused(make_case, agent, field):
    case = make_case("listening")

    with pytest.raises(DomainError) as caught:
        case_update(case=case, by=agent, **{field: "x"})

    assert caught.value.missing == [field]


def test_the_editable_fields_are_the_descriptive_ones():
    assert set(EDITABLE) == {
        "priority",
        "category",
        "subject",
        "customer_account",
        "restatement",
        "desired_outcome",
        "root_cause",
    }  # the team changes only through case_route (or a Triage assignment)


def test_an_edit_records_slugs_for_related_objects(make_case, agent):
    cause = RootCause.objects.create(name="Courier", slug="courier")
    case = make_case("resolving")

    case = case_update(case=case, by=agent, root_cause=cause)

    event = case.events.last()
    assert (event.before, event.after) == (
        {"root_cause": None},
        {"root_cause": "courier"},
    )


def test_a_stale_edit_writes_nothing(make_case, agent):
    case = make_case("listening")

    with pytest.raises(StaleVersion):
        case_update(case=case, by=agent, expected_version=case.version - 1, subject="x")

    assert Case.objects.get(pk=case.pk).subject != "x"


def test_a_stale_transition_writes_nothing(make_case, agent):
    case = make_case("listening")
    case_update(case=case, by=agent, customer_account="It broke.")

    with pytest.raises(StaleVersion):
        lifecycle.transition(
            case,
            "closed",
            by=agent,
            close_reason="withdrawn",
            expected_version=case.version,
        )

    assert Case.objects.get(pk=case.pk).stage == "listening"


# --- escalation, waiting, messages -------------------------------------------


@pytest.mark.parametrize(("level", "expected"), [(1, 1), (2, 2), (3, 0), (-1, 0)])
def test_escalation_levels_stay_between_zero_and_two(make_case, level, expected):
    case = case_escalate(
        case=make_case("new", by=Actor.system("test")),
        level=level,
        reason="late",
        by=Actor.system("test"),
    )

    assert Case.objects.get(pk=case.pk).escalation_level == expected


def test_a_closed_case_does_not_start_waiting_on_the_customer(make_case, agent):
    case = make_case("closed")

    case = case_set_awaiting_customer(case=case, awaiting=True, by=agent)

    assert case.awaiting_customer is False


def test_closing_a_waiting_case_ends_the_wait(make_case, agent):
    case = make_case("listening")
    case_set_awaiting_customer(case=case, awaiting=True, by=agent)

    case = lifecycle.transition(case, "closed", by=agent, close_reason="withdrawn")

    assert (case.awaiting_customer, case.awaiting_customer_since) == (False, None)


@pytest.mark.parametrize(
    ("body", "visibility", "code"),
    [
        ("", "internal", "body"),
        ("  \n", "customer", "body"),
        ("Hi", "public", "visibility"),
    ],
)
def test_a_message_needs_a_body_and_a_known_visibility(
    make_case, agent, body, visibility, code
):
    case = make_case("listening")

    with pytest.raises(DomainError) as caught:
        message_post(case=case, body=body, visibility=visibility, by=agent)

    assert caught.value.missing == [code]
    assert not case.messages.exists()


@pytest.mark.parametrize(
    ("visibility", "kind", "counts"),
    [
        ("customer", "note", True),
        ("internal", "note", False),
        ("customer", "from_customer", False),
    ],
)
def test_only_a_staff_reply_to_the_customer_is_a_first_response(
    make_case, agent, visibility, kind, counts
):
    case = make_case("listening")
    by = Actor.customer() if kind == "from_customer" else agent

    message_post(case=case, body="Hello", visibility=visibility, kind=kind, by=by)

    case.refresh_from_db()
    assert (case.first_response_at is not None) is counts


def test_the_first_response_is_not_moved_by_later_replies(make_case, agent):
    case = make_case("acknowledged")
    first = case.first_response_at

    message_post(case=case, body="Any news?", visibility="customer", by=agent)

    case.refresh_from_db()
    assert case.first_response_at == first
