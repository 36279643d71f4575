"""`seed_demo` (CONTRACT §10): everything the demo promises, and only one copy of it.

The command runs twice in a module-scoped transaction (rolled back at the
end), because playing forty scripts takes seconds; every test reads that
seeded database.
"""

import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from api.models import ApiClient
from complaints.models import (
    STAGE_ORDER,
    Case,
    Category,
    Event,
    Message,
    Offer,
    OfferKind,
    OfferLimit,
    OfferStatus,
    Priority,
    RootCause,
)
from customers.models import Customer
from followups.models import FollowUp
from sla.models import Calendar, Deadline, Holiday, SlaPolicy, WorkingHours
from teams.models import StaffProfile, Team

pytestmark = pytest.mark.django_db

User = get_user_model()
FAST = ["django.contrib.auth.hashers.MD5PasswordHasher"]
COUNTED = [
    User,
    StaffProfile,
    Team,
    Calendar,
    WorkingHours,
    Holiday,
    SlaPolicy,
    OfferLimit,
    Category,
    RootCause,
    Customer,
    Case,
    Message,
    Offer,
    FollowUp,
    Deadline,
    Event,
]


def counts() -> dict[str, int]:
    counted = {model.__name__: model.objects.count() for model in COUNTED}
    counted["active demo keys"] = ApiClient.objects.filter(
        name="demo-shop", revoked=False
    ).count()
    return counted


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            first = seed()
            after_first = counts()
            second = seed()
            yield {
                "first": first,
                "second": second,
                "after_first": after_first,
                "after_second": counts(),
            }
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = FAST


def test_running_it_twice_leaves_one_copy(seeded):
    assert seeded["after_second"] == seeded["after_first"]
    assert seeded["after_first"]["Case"] >= 40
    assert seeded["after_first"]["Customer"] >= 30
    assert seeded["after_first"]["active demo keys"] == 1
    assert "40 created" in seeded["first"]
    assert "0 created, 40 already there" in seeded["second"]


@pytest.mark.parametrize("username", ["agent", "lead", "manager"])
def test_the_printed_logins_work_after_each_run(seeded, client, fast_hasher, username):
    line = re.search(rf"^\s*{username}\s+password: (\S+)$", seeded["second"], re.M)
    assert line, seeded["second"]

    assert client.login(username=username, password=line.group(1))


def test_the_printed_key_is_the_one_live_demo_key(seeded):
    first_key = seeded["first"].strip().splitlines()[-1]
    second_key = seeded["second"].strip().splitlines()[-1]

    assert ApiClient.objects.is_valid(second_key)
    assert not ApiClient.objects.is_valid(first_key)
    live = ApiClient.objects.get_from_key(second_key)
    assert live.user is None and "complaints:read" in live.scopes
    # The case it filed follows the live key, so the client still sees it,
    # with the customer as the demo shop sent them.
    filed = Case.objects.filter(api_client=live)
    assert filed.exists()
    assert all(case.api_filing.customer["email"] for case in filed)


def test_roles_and_teams(seeded):
    roles = dict(
        StaffProfile.objects.filter(
            user__username__in=["agent", "lead", "manager"]
        ).values_list("user__username", "role")
    )

    assert roles == {"agent": "agent", "lead": "team_lead", "manager": "manager"}
    assert User.objects.get(username="manager").is_superuser
    assert Team.objects.filter(slug__in=["care", "billing", "repairs"]).count() == 3


def test_business_hours_in_london_with_english_holidays(seeded):
    calendar = Calendar.objects.get(name="UK office")
    year = timezone.localdate().year

    assert calendar.time_zone == "Europe/London"
    hours = list(calendar.hours.values_list("weekday", "opens", "closes"))
    assert [day for day, _, _ in hours] == [0, 1, 2, 3, 4]
    assert {(o.strftime("%H:%M"), c.strftime("%H:%M")) for _, o, c in hours} == {
        ("09:00", "17:30")
    }
    holidays = set(calendar.holidays.values_list("date", flat=True))
    assert {d.year for d in holidays} == {year, year + 1}
    assert any(d.month == 12 and d.day == 25 for d in holidays)


def test_an_sla_policy_for_every_priority_and_limits_for_money(seeded):
    priorities = set(
        SlaPolicy.objects.filter(active=True, category=None).values_list(
            "priority", flat=True
        )
    )

    assert priorities == set(Priority.values)
    assert OfferLimit.objects.filter(kind=OfferKind.REFUND, currency="GBP").exists()


def test_cases_in_every_stage_and_offers_in_every_status(seeded):
    stages = set(Case.objects.values_list("stage", flat=True))
    statuses = set(Offer.objects.values_list("status", flat=True))

    assert stages == set(STAGE_ORDER)
    assert statuses == set(OfferStatus.values)


def test_follow_ups_due_overdue_and_done(seeded):
    now = timezone.now()
    scheduled = FollowUp.objects.filter(status="scheduled")

    assert scheduled.filter(due_at__lt=now).exists()
    assert scheduled.filter(due_at__gte=now).exists()
    assert FollowUp.objects.filter(status="done", outcome="satisfied").exists()


def test_escalations_skips_reopens_and_every_close(seeded):
    levels = set(Case.objects.values_list("escalation_level", flat=True))
    closes = set(
        Case.objects.exclude(close_reason="").values_list("close_reason", flat=True)
    )

    assert {1, 2} <= levels
    assert Case.objects.filter(skipped_steps__gt=0).exists()
    assert Case.objects.filter(reopen_count__gt=0).exists()
    assert {
        "satisfied",
        "unsatisfied",
        "no_follow_up",
        "withdrawn",
        "duplicate",
    } <= closes
    assert Case.objects.filter(priority="urgent").exists()
    assert Case.objects.filter(assignee__isnull=True).exists()


def test_cases_look_aged_and_their_timelines_run_in_order(seeded):
    now = timezone.now()
    oldest = Case.objects.order_by("created_at").first()

    assert (now - oldest.created_at).days >= 14
    for case in Case.objects.all():
        times = list(case.events.values_list("created_at", flat=True))
        assert times == sorted(times)
        assert times[0] == case.created_at
        assert times[-1] <= now


def test_every_case_was_walked_by_the_lifecycle(seeded):
    """Each stage a case stands in was reached by a recorded stage change."""
    for case in Case.objects.exclude(stage="new"):
        last = case.events.filter(kind="stage_changed").last()
        assert last.after == case.stage, case.reference


@pytest.mark.parametrize("with_time_machine", [True, False])
def test_the_demo_clock_stops_at_the_moment_with_or_without_time_machine(
    monkeypatch, with_time_machine
):
    import sys

    from demo.clock import at

    if not with_time_machine:
        monkeypatch.setitem(sys.modules, "time_machine", None)  # import fails
    moment = datetime(2030, 3, 4, 10, 30, tzinfo=UTC)

    with at(moment):
        assert timezone.now() == moment
    assert timezone.now() != moment


def test_demo_steps_move_into_office_hours_when_there_is_room():
    from demo.clock import next_moment

    saturday_night = datetime(2030, 3, 2, 22, 10, tzinfo=UTC)
    wednesday = datetime(2030, 3, 6, 12, 0, tzinfo=UTC)

    moment = next_moment(saturday_night, now=wednesday, remaining=5)

    assert moment == datetime(2030, 3, 4, 8, 10, tzinfo=UTC)  # Monday, 08:10 London
    assert next_moment(saturday_night, now=moment, remaining=5) < moment


@given(
    start=st.datetimes(
        min_value=datetime(2030, 1, 1),
        max_value=datetime(2031, 1, 1),
        timezones=st.just(UTC),
    ),
    span=st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=30)),
    steps=st.integers(min_value=1, max_value=30),
)
def test_demo_steps_always_move_forward_and_end_before_now(start, span, steps):
    from demo.clock import next_moment

    now, moment = start + span, start
    for remaining in range(steps, 0, -1):
        later = next_moment(moment, now=now, remaining=remaining)
        assert moment < later < now
        moment = later


def test_the_demo_has_a_threaded_email_conversation_with_a_photo(seeded):
    from attachments.models import Attachment
    from demo.email_thread import ANSWER_ID, COMPLAINT_ID
    from mail.models import InboundEmail
    from notifications.models import Outbox

    reference = re.search(r"Email conversation .*: case (\S+)\.", seeded["second"])
    assert reference, seeded["second"]
    case = Case.objects.get(reference=reference.group(1))
    assert case.channel == "email"
    complaint = InboundEmail.objects.get(message_id=COMPLAINT_ID)
    answer = InboundEmail.objects.get(message_id=ANSWER_ID)
    assert (complaint.outcome, answer.outcome) == ("created", "appended")
    assert complaint.case == answer.case == case
    assert case.messages.count() >= 3
    assert case.messages.filter(kind="from_customer").count() == 1
    photo = Attachment.objects.get(case=case)
    assert photo.content_type == "image/png"
    # Our replies went through the outbox, threaded onto the customer's emails.
    replies = Outbox.objects.filter(case=case, key__startswith="message:").order_by(
        "pk"
    )
    assert len(replies) == 2
    assert f"<{COMPLAINT_ID}>" in replies[0].headers["References"]
    assert replies[1].headers["In-Reply-To"] == f"<{ANSWER_ID}>"
    assert replies[0].message_id in replies[1].headers["References"]
    assert all(f"[{case.reference}]" in r.subject for r in replies)
