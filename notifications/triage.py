"""Tell the team leads (the managers when there are none) of a case in Triage.

A case filed with no team (no category, or a category without a default team)
waits in the Triage queue. `triage_on_filed` hears of every filing from
`complaints.events` after its transaction commits; `triage_announce` writes the in-app notifications and their emails in
one transaction of its own and queues delivery after that commits. It runs at
most once per case: the notifications are looked for first under the case's
row lock, and every email's outbox key (`triage:<case>:user:<id>`) is unique.
"""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from complaints.models import Case, Event
from complaints.versions import case_lock
from config.memo import Memo
from teams.selectors import managers, team_leads

from .models import Notification, NotificationKind
from .outbox import outbox_enqueue_on_commit
from .services import notifications_create

# Every filing without a team asks who hears of it: kept per process, cleared
# in every worker when a user or staff profile is saved or deleted
# (`NotificationsConfig.ready`, `config.memo`).
_recipients = Memo("triage-recipients")


def triage_recipients() -> list:
    """Every active team lead (a Triage case's leads); the managers if none."""
    return _recipients.get("triage", lambda: list(team_leads(None)) or list(managers()))


def triage_announce(*, case_id: int) -> int:
    """Notify once that case `case_id` waits in Triage; return how many were told."""
    recipients = triage_recipients()
    if not recipients:
        return 0  # nobody to tell: no lock, no lookup
    with transaction.atomic():
        try:
            case = case_lock(case_id)
        except Case.DoesNotExist:  # gone meanwhile
            return 0
        if case.team_id is not None:  # routed meanwhile
            return 0
        told = Notification.objects.filter(case=case, kind=NotificationKind.TRIAGE)
        if told.exists():
            return 0
        ids = notifications_create(
            recipients=recipients,
            kind=NotificationKind.TRIAGE,
            key=f"triage:{case.pk}",
            context={},
            case=case,
            now=timezone.now(),
        )
        outbox_enqueue_on_commit(ids)
    return len(recipients)


def triage_on_filed(events: Sequence[Event]) -> None:
    """Announce the cases filed with no team (a `complaints.events` subscriber)."""
    for event in events:
        if event.data.get("team") is None:
            triage_announce(case_id=event.case_id)
