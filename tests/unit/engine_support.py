"""Fixtures and helpers for the time-driven engine's tests (imported by test_engine_*)."""

from datetime import datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

LONDON = ZoneInfo("Europe/London")


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def office(db):
    """Europe/London, Monday to Friday 09:00–17:00."""
    from sla.models import Calendar, WorkingHours

    calendar = Calendar.objects.create(name="Office", time_zone="Europe/London")
    for day in range(5):
        WorkingHours.objects.create(
            calendar=calendar, weekday=day, opens=time(9), closes=time(17)
        )
    return calendar


@pytest.fixture
def policy(office):
    """Normal priority: first response 4 business hours, resolution 16, again 4."""
    from sla.models import SlaPolicy

    return SlaPolicy.objects.create(
        name="Normal",
        priority="normal",
        calendar=office,
        first_response_minutes=240,
        resolution_minutes=960,
        escalation_minutes=240,
        warn_at_percent=75,
    )


@pytest.fixture
def staff(agent, lead, manager):
    """The shared staff fixtures, given email addresses so they get mail."""
    for user in (agent, lead, manager):
        user.email = f"{user.username}@staff.example"
        user.save(update_fields=["email"])
    return {"agent": agent, "lead": lead, "manager": manager}


def at(moment: datetime):
    """Freeze the clock at `moment` (services read timezone.now())."""
    return time_machine.travel(moment, tick=False)


def process_due(moment: datetime) -> str:
    """Run `manage.py process_due --at moment` and return what it printed."""
    out = StringIO()
    call_command("process_due", at=moment.isoformat(), stdout=out)
    return out.getvalue()


def kinds(case) -> list[str]:
    """The kinds of the case's timeline events, oldest first."""
    return list(case.events.order_by("id").values_list("kind", flat=True))


def notified(user, kind: str | None = None) -> int:
    from notifications.models import Notification

    rows = Notification.objects.filter(recipient=user)
    return rows.filter(kind=kind).count() if kind else rows.count()


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    """Staff fixtures hash a password each; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class FailingBackend:
    """An email backend whose server is always down."""

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return False

    def close(self):
        pass

    def send_messages(self, messages):
        from smtplib import SMTPServerDisconnected

        raise SMTPServerDisconnected("Connection unexpectedly closed")
