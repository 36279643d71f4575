"""The due pass over statutory clocks: warn and breach exactly once, never pause."""

from datetime import timedelta

import pytest

from complaints.services import case_set_awaiting_customer
from notifications.models import Notification, NotificationKind, Outbox
from regimes.models import StatutoryDeadline
from scheduler.engine import due_pass
from tests.factories import CaseFactory, StaffFactory
from tests.unit.engine_support import at, london, office, policy  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def fca_case(settings, team, policy):  # noqa: F811 (fixture)
    settings.DEFAULT_REGIME = "fca"
    agent = StaffFactory(role="agent", teams=[team])
    agent.email = "agent@staff.example"
    agent.save(update_fields=["email"])
    StaffFactory(role="team_lead", teams=[team])
    with at(london(2026, 11, 27, 19, 30)):
        case = CaseFactory.in_stage("listening", team=team, by=agent, assignee=agent)
    return case, agent


def fired(report, what: str) -> int:
    """Statutory firings of a pass (SLA deadlines of the case fire too)."""
    return sum(line.startswith(f"statutory {what}") for line in report.lines)


def kinds(case):
    return list(case.events.order_by("id").values_list("kind", flat=True))


def test_waiting_on_the_customer_keeps_the_statutory_clock_running(fca_case):
    case, agent = fca_case
    final = StatutoryDeadline.objects.get(case=case, kind="final_response")
    with at(london(2026, 11, 30, 10)):
        case_set_awaiting_customer(case=case, awaiting=True, by=agent)
    resolution = case.deadlines.get(kind="resolution")
    assert resolution.paused_at is not None  # the internal SLA pauses …
    final.refresh_from_db()
    assert final.due_at == london(2027, 1, 22, 23, 59, 59)  # … the statutory one not
    assert final.next_check_at == final.warn_at
    # Still waiting at the due time: it breaches all the same.
    report = due_pass(now=final.due_at + timedelta(seconds=1), deliver="none")
    assert fired(report, "breach") == 1
    final.refresh_from_db()
    assert final.breached_at is not None


def test_warns_once_then_breaches_once(fca_case):
    case, agent = fca_case
    final = StatutoryDeadline.objects.get(case=case, kind="final_response")
    window = StatutoryDeadline.objects.get(case=case, kind="summary_resolution")
    assert window.next_check_at is None  # a window, never breached
    warn = final.warn_at + timedelta(minutes=1)
    first = due_pass(now=warn, deliver="none")
    again = due_pass(now=warn + timedelta(minutes=5), deliver="none")
    assert (fired(first, "warning"), fired(again, "warning")) == (1, 0)
    assert kinds(case).count("statutory_warning") == 1
    warned = Notification.objects.filter(kind=NotificationKind.STATUTORY_WARNING)
    assert list(warned.values_list("recipient", flat=True)) == [agent.pk]
    assert Outbox.objects.filter(key=f"statutory:{final.pk}:warning:user:{agent.pk}")
    due = final.due_at + timedelta(seconds=1)
    first = due_pass(now=due, deliver="none")
    again = due_pass(now=due + timedelta(hours=1), deliver="none")
    assert (fired(first, "breach"), fired(again, "breach")) == (1, 0)
    assert kinds(case).count("statutory_breached") == 1
    case.refresh_from_db()
    assert case.escalation_level >= 1  # the SLA breaches may have gone further
    breached = Notification.objects.filter(kind=NotificationKind.STATUTORY_BREACHED)
    assert breached.count() == 2  # the assignee and the team lead
    final.refresh_from_db()
    assert final.next_check_at is None


def test_a_late_pass_breaches_without_a_separate_warning(fca_case):
    case, _agent = fca_case
    final = StatutoryDeadline.objects.get(case=case, kind="final_response")
    report = due_pass(now=final.due_at + timedelta(days=3), deliver="none")
    assert (fired(report, "warning"), fired(report, "breach")) == (0, 1)
    assert "statutory_warning" not in kinds(case)


def test_a_met_clock_never_fires(fca_case, manager):
    from regimes.sending import letter_send

    case, _agent = fca_case
    with at(london(2026, 12, 1, 10)):
        letter_send(case=case, kind="final_response", outcome="not_upheld", by=manager)
    report = due_pass(now=london(2027, 3, 1), deliver="none")
    assert (fired(report, "warning"), fired(report, "breach")) == (0, 0)
