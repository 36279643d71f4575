"""The shared bounds (`complaints.bounds`) and the services that apply them.

Services hold the line for every caller that is not a form or a serializer
(tasks, commands, the admin, the email gateway), and the dashboards survive a
far date stored before the bounds held.
"""

import io
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from complaints import bounds, lifecycle
from complaints.actors import Actor
from complaints.exceptions import InvalidInput, OfferRefused
from complaints.models import Case, OfferLimit
from complaints.services import case_file, case_update, message_post
from customers.models import Customer
from customers.services import customer_match_or_create, customer_set_consent
from followups.models import FollowUp
from followups.services import followup_complete, followup_schedule
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

PLUS_14 = timezone(timedelta(hours=14))
MINUS_14 = timezone(timedelta(hours=-14))
MINUS_12 = timezone(timedelta(hours=-12))
OUTSIDE = [
    datetime(9999, 12, 31, 23, 30, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 30, tzinfo=MINUS_14),
    datetime(2201, 1, 1, tzinfo=UTC),
    datetime(2200, 12, 31, 23, 0, tzinfo=MINUS_12),
    datetime(1900, 1, 1, 10, tzinfo=PLUS_14),
    datetime(1, 1, 1, tzinfo=PLUS_14),
    datetime(1899, 12, 31),
]
INSIDE = [
    datetime(1900, 1, 1, tzinfo=UTC),
    datetime(2200, 12, 31, 23, 59, tzinfo=UTC),
    datetime(2200, 12, 31, 9, 0, tzinfo=PLUS_14),
    datetime(2026, 6, 1, 12, 0),
]


@pytest.mark.parametrize("moment", OUTSIDE)
def test_moments_outside_1900_to_2200_are_refused(moment):
    assert bounds.moment_problem(moment)


@pytest.mark.parametrize("moment", INSIDE)
def test_moments_inside_the_range_pass(moment):
    assert bounds.moment_problem(moment) == ""


@pytest.mark.parametrize(
    ("value", "limit", "bad"),
    [
        ("fine", 10, False),
        ("a\x00b", 10, True),
        ("a\ud800b", 10, True),
        ("\udfff", None, True),
        ("x" * 11, 10, True),
        ("😀" * 10, 10, False),
    ],
)
def test_text_problems(value, limit, bad):
    assert bool(bounds.text_problem(value, limit)) is bad


def test_nesting_depth_is_counted_without_recursion():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]

    assert bounds.nesting_depth({"a": [1, {"b": 2}]}) == 3
    assert bounds.nesting_depth(deep) > bounds.MAX_DEPTH
    assert bounds.json_problem(deep)


@pytest.mark.parametrize(
    "value", [{"n": float("inf")}, {"n": float("nan")}, {1: "x"}, {"s": object()}]
)
def test_json_a_column_cannot_hold_is_refused(value):
    assert bounds.json_problem(value)


@pytest.mark.parametrize("when", OUTSIDE)
def test_case_file_refuses_an_occurrence_outside_the_range(agent, when):
    with pytest.raises(InvalidInput) as caught:
        case_file(
            customer=CustomerFactory(),
            subject="s",
            description="d",
            occurred_at=when,
            by=agent,
        )

    assert caught.value.missing == ["occurred_at"]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "x" * 201),
        ("subject", "nul\x00"),
        ("description", "x" * 20_001),
        ("description", "lone \ud800"),
        ("metadata", {"k": "\x00"}),
        ("metadata", {"\ud800": 1}),
    ],
)
def test_case_file_refuses_unstorable_values(agent, field, value):
    kwargs = {"subject": "s", "description": "d", field: value}

    with pytest.raises(InvalidInput) as caught:
        case_file(customer=CustomerFactory(), by=agent, **kwargs)

    assert caught.value.missing == [field]


def test_edits_messages_and_moves_refuse_unstorable_text(make_case, agent):
    case = make_case("listening", assignee=agent)

    with pytest.raises(InvalidInput):
        case_update(case=case, restatement="so \x00", by=agent)
    with pytest.raises(InvalidInput):
        message_post(case=case, body="x" * 20_001, visibility="internal", by=agent)
    with pytest.raises(InvalidInput):
        lifecycle.transition(
            case, "closed", close_reason="withdrawn", reason="\ud800", by=agent
        )


@pytest.mark.parametrize("when", OUTSIDE)
def test_followup_schedule_refuses_a_due_time_outside_the_range(make_case, agent, when):
    case = make_case("resolved", assignee=agent)
    customer_set_consent(customer=case.customer, consent=True, by=Actor.system("tests"))

    with pytest.raises(InvalidInput) as caught:
        followup_schedule(case=case, due_at=when, channel="phone", by=agent)

    assert caught.value.missing == ["due_at"]
    assert not FollowUp.objects.exists()


def test_followup_complete_refuses_a_nul_note(make_case, agent):
    case = make_case("following_up", assignee=agent)
    followup = case.followups.get()

    with pytest.raises(InvalidInput):
        followup_complete(followup=followup, outcome="satisfied", note="\x00", by=agent)


def test_customer_match_or_create_refuses_oversize_and_nul(db):
    with pytest.raises(InvalidInput):
        customer_match_or_create(
            email="a@example.com", name="x" * 201, by=Actor.system("tests")
        )
    with pytest.raises(InvalidInput):
        customer_match_or_create(
            email="a@example.com", name="A", phone="\x00", by=Actor.system("tests")
        )

    assert not Customer.objects.exists()


# --- offers ---------------------------------------------------------------


@pytest.fixture
def resolving(make_case):
    return make_case("resolving")


@pytest.mark.parametrize("kind", ["apology_only", "replacement", "redo"])
def test_moneyless_kinds_refuse_an_amount(resolving, agent, kind):
    with pytest.raises(OfferRefused) as caught:
        lifecycle.offer_make(
            case=resolving, kind=kind, amount="10", currency="GBP", by=agent
        )

    assert caught.value.missing == ["amount"]


@pytest.mark.parametrize("kind", ["apology_only", "other", "goodwill_gesture"])
def test_a_currency_alone_is_refused(resolving, agent, kind):
    with pytest.raises(OfferRefused) as caught:
        lifecycle.offer_make(case=resolving, kind=kind, currency="GBP", by=agent)

    assert caught.value.missing == ["currency"]


@pytest.mark.parametrize("kind", ["goodwill_gesture", "other"])
def test_some_kinds_may_carry_money(resolving, manager, kind):
    offer = lifecycle.offer_make(
        case=resolving, kind=kind, amount="12.50", currency="EUR", by=manager
    )

    assert (offer.amount, offer.currency) == (Decimal("12.50"), "EUR")


@pytest.mark.parametrize("currency", ["XYZ", "ABC", "ZZZ"])
def test_three_capital_letters_are_not_a_currency(resolving, agent, currency):
    with pytest.raises(OfferRefused) as caught:
        lifecycle.offer_make(
            case=resolving, kind="refund", amount="1", currency=currency, by=agent
        )

    assert caught.value.missing == ["currency"]


def test_allowed_currencies_are_the_setting_then_the_offer_limits(settings):
    settings.CURRENCIES = ["USD", "GBP"]
    OfferLimit.objects.create(kind="refund", currency="JPY", max_amount=10)
    OfferLimit.objects.create(kind="credit", currency="GBP", max_amount=10)

    assert bounds.currencies_allowed() == ["USD", "GBP", "JPY"]


def test_a_currencies_setting_outside_iso_4217_fails_the_checks(settings):
    from complaints.apps import currencies_check

    settings.CURRENCIES = ["GBP", "XYZ"]

    assert [error.id for error in currencies_check()] == ["complaints.E001"]


# --- the dashboards survive a far date already stored ---------------------


def _store_far_due(case, moment: str) -> None:
    # Written behind the services' back, as rows stored before the bounds held.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE followups_followup SET due_at = %s WHERE case_id = %s",
            [moment, case.pk],
        )


@pytest.mark.postgres
@pytest.mark.parametrize(
    "moment", ["9999-12-31T23:30:00+00:00", "9999-12-31T23:30:00-14:00"]
)
def test_the_facts_refresh_and_the_dashboard_survive_a_far_due_date_in_the_database(
    make_case, agent, manager, client, moment
):
    from importlib import import_module

    from django.db import connection

    from dashboards.facts import facts_rebuild, facts_refresh

    case = make_case("following_up", assignee=agent)
    facts_rebuild()
    _store_far_due(case, moment)
    # A year-10000 instant cannot even be read back by Python: the data
    # migration that shipped with the bounds clamps such legacy rows.
    clamp = import_module("followups.migrations.0002_clamp_far_dates").clamp
    clamp(None, connection.schema_editor())
    case_update(case=case, subject="Touched after the far date", by=agent)

    facts_refresh()
    facts_rebuild()
    call_command("refresh_dashboard", "--all", stdout=io.StringIO())
    client.force_login(manager)
    assert client.get("/dashboard/?period=all").status_code == 200
    assert client.get(f"/cases/{case.reference}/").status_code == 200


@pytest.mark.parametrize("at", ["9999-12-31T23:30:00-14:00", "1800-01-01T00:00:00"])
def test_process_due_refuses_an_instant_outside_the_range(db, at):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="1900 and 2200"):
        call_command("process_due", "--at", at, stdout=io.StringIO())
