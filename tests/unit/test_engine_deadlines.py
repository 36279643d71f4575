"""Time-travel tests of SLA deadlines through `process_due --at`.

Office hours are Europe/London 09:00–17:00 on weekdays; June 2026 is BST.
"""

# Fixtures are imported from engine_support, so pytest (not ruff) sees them used.
# ruff: noqa: F401, F811

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from complaints.services import case_set_awaiting_customer, case_update
from sla.models import Deadline, Holiday
from tests.unit.engine_support import (  # noqa: F401 (fixtures)
    at,
    fast_hasher,
    kinds,
    london,
    notified,
    office,
    policy,
    process_due,
    staff,
)

pytestmark = pytest.mark.django_db

FRIDAY = london(2026, 6, 5, 15)  # 4 business hours ends Monday 11:00


def first_response(case) -> Deadline:
    return case.deadlines.get(kind="first_response")


def test_deadline_over_a_weekend_warns_then_escalates_twice(make_case, staff, policy):
    with at(FRIDAY):
        case = make_case("listening", priority="normal")
    deadline = first_response(case)
    assert deadline.warn_at == london(2026, 6, 8, 10)
    assert deadline.due_at == london(2026, 6, 8, 11)

    assert "0 warning" in process_due(london(2026, 6, 5, 23))
    assert "0 warning" in process_due(london(2026, 6, 7, 12))
    assert notified(staff["agent"]) == 0

    out = process_due(london(2026, 6, 8, 10))
    assert "1 warning(s)" in out
    assert notified(staff["agent"], "sla_warning") == 1
    assert notified(staff["lead"]) == 0
    assert [m.to for m in mail.outbox] == [[staff["agent"].email]]

    out = process_due(london(2026, 6, 8, 11))
    assert "1 breach(es)" in out
    case.refresh_from_db()
    assert case.escalation_level == 1
    assert notified(staff["lead"], "sla_breached") == 1
    deadline.refresh_from_db()
    assert deadline.escalate_again_at == london(2026, 6, 8, 15)

    process_due(london(2026, 6, 8, 14, 59))
    case.refresh_from_db()
    assert case.escalation_level == 1
    out = process_due(london(2026, 6, 8, 15))
    assert "1 escalation(s)" in out
    case.refresh_from_db()
    assert case.escalation_level == 2
    assert notified(staff["manager"], "sla_escalated") == 1
    assert kinds(case).count("escalated") == 2
    assert "sla_warning" in kinds(case) and "sla_breached" in kinds(case)
    deadline.refresh_from_db()
    assert deadline.next_check_at is None


def test_holiday_moves_the_deadline_and_the_warning(make_case, staff, policy):
    Holiday.objects.create(calendar=policy.calendar, date=date(2026, 6, 8))
    with at(FRIDAY):
        case = make_case("listening")
    assert first_response(case).due_at == london(2026, 6, 9, 11)
    process_due(london(2026, 6, 8, 16))
    assert notified(staff["agent"]) == 0
    process_due(london(2026, 6, 9, 10))
    assert notified(staff["agent"], "sla_warning") == 1


def test_night_is_not_business_time(make_case, staff, policy):
    with at(london(2026, 6, 9, 16)):
        case = make_case("listening")
    # One hour on Tuesday, three on Wednesday morning.
    assert first_response(case).due_at == london(2026, 6, 10, 12)
    process_due(london(2026, 6, 10, 8, 59))
    assert notified(staff["agent"]) == 0


def test_passing_twice_fires_nothing_twice(make_case, staff, policy):
    with at(FRIDAY):
        case = make_case("listening")
    moment = london(2026, 6, 8, 16)
    first = process_due(moment)
    again = process_due(moment)
    later = process_due(moment + timedelta(minutes=30))
    assert "1 breach(es)" in first and "1 escalation(s)" in first
    assert "0 warning(s), 0 breach(es), 0 escalation(s)" in again
    assert "0 warning(s), 0 breach(es), 0 escalation(s)" in later
    case.refresh_from_db()
    assert case.escalation_level == 2
    assert kinds(case).count("escalated") == 2
    assert notified(staff["lead"]) == 1 and notified(staff["manager"]) == 1


def test_a_breach_supersedes_a_warning_not_yet_sent(make_case, staff, policy):
    with at(FRIDAY):
        make_case("listening")
    process_due(london(2026, 6, 8, 12))
    assert notified(staff["agent"], "sla_warning") == 0
    assert notified(staff["lead"], "sla_breached") == 1


def test_first_response_in_time_stops_its_clock(make_case, staff, policy):
    with at(FRIDAY):
        case = make_case("acknowledged")
    assert first_response(case).next_check_at is None
    process_due(london(2026, 6, 8, 16))
    case.refresh_from_db()
    assert case.escalation_level == 0
    assert notified(staff["lead"]) == 0


def test_unassigned_case_warns_the_team_lead(make_case, staff, policy):
    with at(FRIDAY):
        make_case("new")
    process_due(london(2026, 6, 8, 10))
    assert notified(staff["lead"], "sla_warning") == 1
    assert notified(staff["agent"]) == 0


def test_resolution_clock_pauses_while_awaiting_the_customer(make_case, staff, policy):
    monday = london(2026, 6, 8, 9)
    with at(monday):
        case = make_case("acknowledged")
    resolution = case.deadlines.get(kind="resolution")
    assert resolution.due_at == london(2026, 6, 9, 17)
    with at(london(2026, 6, 8, 13)):
        case_set_awaiting_customer(case=case, awaiting=True, by=staff["agent"])
    process_due(london(2026, 6, 9, 18))
    case.refresh_from_db()
    assert case.escalation_level == 0
    with at(london(2026, 6, 10, 9)):
        case_set_awaiting_customer(case=case, awaiting=False, by=staff["agent"])
    resolution.refresh_from_db()
    # 4 hours used before the pause; 12 left from Wednesday 09:00.
    assert resolution.due_at == london(2026, 6, 11, 13)
    process_due(london(2026, 6, 11, 12, 59))
    case.refresh_from_db()
    assert case.escalation_level == 0
    process_due(london(2026, 6, 11, 13))
    case.refresh_from_db()
    assert case.escalation_level == 1


def test_priority_change_recomputes_the_open_deadlines(make_case, staff, policy):
    from sla.models import SlaPolicy

    SlaPolicy.objects.create(
        name="Urgent",
        priority="urgent",
        calendar=policy.calendar,
        first_response_minutes=60,
        resolution_minutes=240,
    )
    with at(london(2026, 6, 8, 9)):
        case = make_case("listening")
    with at(london(2026, 6, 8, 10)):
        case_update(case=case, priority="urgent", by=staff["agent"])
    deadline = first_response(case)
    # An hour elapsed already: the urgent hour is used up.
    assert deadline.due_at == london(2026, 6, 8, 10)
    assert deadline.target_minutes == 60
    process_due(london(2026, 6, 8, 10, 1))
    case.refresh_from_db()
    assert case.escalation_level == 1


def test_priority_change_while_paused_applies_on_resume(make_case, staff, policy):
    from sla.models import SlaPolicy

    SlaPolicy.objects.create(
        name="Urgent",
        priority="urgent",
        calendar=policy.calendar,
        first_response_minutes=60,
        resolution_minutes=480,
    )
    with at(london(2026, 6, 8, 9)):
        case = make_case("acknowledged")
    with at(london(2026, 6, 8, 11)):
        case_set_awaiting_customer(case=case, awaiting=True, by=staff["agent"])
        case_update(case=case, priority="urgent", by=staff["agent"])
    with at(london(2026, 6, 9, 9)):
        case_set_awaiting_customer(case=case, awaiting=False, by=staff["agent"])
    resolution = case.deadlines.get(kind="resolution")
    assert resolution.target_minutes == 480
    assert resolution.due_at == london(2026, 6, 9, 15)


def test_closed_case_fires_nothing(make_case, staff, policy):
    from complaints.lifecycle import transition

    with at(FRIDAY):
        case = make_case("listening")
        transition(case, "closed", by=staff["agent"], close_reason="withdrawn")
    process_due(london(2026, 6, 9, 16))
    assert notified(staff["lead"]) == 0 and notified(staff["agent"]) == 0


def test_bad_at_is_a_command_error(db):
    with pytest.raises(CommandError):
        call_command("process_due", at="next tuesday")


def test_naive_at_is_read_as_utc(db):
    from io import StringIO

    out = StringIO()
    call_command("process_due", at="2026-06-08T10:00", stdout=out)
    assert "2026-06-08T10:00:00+00:00" in out.getvalue()


def test_one_failing_row_is_skipped_and_retried_later(make_case, staff, policy):
    from unittest import mock

    import scheduler.deadlines
    from scheduler.engine import due_pass

    with at(FRIDAY):
        bad, good = make_case("listening"), make_case("listening")
    real = scheduler.deadlines.case_watchers

    def watchers(case):
        if case.pk == bad.pk:
            raise RuntimeError("boom")
        return real(case)

    moment = london(2026, 6, 8, 10)
    with mock.patch("scheduler.deadlines.case_watchers", side_effect=watchers):
        report = due_pass(now=moment, deliver="none")
    assert report.errors == 1 and report.warnings == 1
    assert first_response(good).warned_at == moment
    failed = first_response(bad)
    assert failed.warned_at is None
    assert failed.next_check_at == moment + timedelta(minutes=5)
    retry = due_pass(now=moment + timedelta(minutes=5), deliver="none")
    assert retry.warnings == 1 and retry.errors == 0
