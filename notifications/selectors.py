"""Reads for notifications: a staff member's list and who should hear about a case."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, QuerySet

from teams.selectors import managers, team_leads

from .models import EmailPreference, Notification, NotificationKind


def notifications_for(user: AbstractBaseUser, *, unread_only: bool = False) -> QuerySet:
    """Return the user's notifications, newest first (only unread ones if asked)."""
    rows = Notification.objects.filter(recipient=user).select_related("case")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def unread_count(user: AbstractBaseUser) -> int:
    """Return how many of the user's notifications are unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def case_watchers(case) -> list[AbstractBaseUser]:
    """The assignee when there is one, else the team lead(s) of the case's team."""
    if case.assignee_id and case.assignee.is_active:
        return [case.assignee]
    return list(team_leads(case.team))


def case_leads(case) -> list[AbstractBaseUser]:
    """The team lead(s) of the case's team (level-1 escalation)."""
    return list(team_leads(case.team))


def all_managers() -> list[AbstractBaseUser]:
    """The active managers (level-2 escalation)."""
    return list(managers())


def email_kinds_of(user: AbstractBaseUser) -> list[str]:
    """The kinds `user` gets by email (every kind when they never chose)."""
    row = EmailPreference.objects.filter(user=user).first()
    return list(NotificationKind.values) if row is None else list(row.kinds)


def unread_state(user: AbstractBaseUser) -> tuple[int, int | None]:
    """Return the unread count and the newest unread id (what the bell shows)."""
    state = Notification.objects.filter(recipient=user, read_at__isnull=True).aggregate(
        count=Count("id"), newest=Max("id")
    )
    return state["count"], state["newest"]
