"""Work for the integration tests, made in the test process through the services."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from notifications.services import email_queue
from tests.factories import CaseFactory, StaffFactory


def due_cases(team, count: int, *, days_ago: int = 10) -> list:
    """File `count` unassigned cases long ago: both clocks breached and run out.

    Each case fires 2 breaches (email to the lead) and 2 escalations (email to
    the manager): 4 emails.
    """
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        return [CaseFactory.file(team=team) for _ in range(count)]


def staff_with_email(team):
    lead = StaffFactory(role="team_lead", teams=[team])
    manager = StaffFactory(role="manager")
    for user in (lead, manager):
        user.email = f"{user.username}@staff.example"
        user.save(update_fields=["email"])
    return lead, manager


def queued_emails(case, count: int, prefix: str) -> list[int]:
    """Write `count` outbox rows (as a firing would), not yet published."""
    return [
        email_queue(
            to=f"person{i}@example.com",
            template="sla_warning",
            key=f"{prefix}:{i}",
            context={"kind_label": "Resolution", "due_local": "soon"},
            case=case,
        )
        for i in range(count)
    ]
