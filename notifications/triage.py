"""Tell the team leads (the managers when there are none) of a case in Triage.

A case filed with no team (no category, or a category without a default team)
waits in the Triage queue. `case_file` calls `triage_announce` after its
transaction commits; this writes the in-app notifications and their emails in
one transaction of its own and queues delivery after that commits. It runs at
most once per case: the notifications are looked for first under the case's
row lock, and every email's outbox key (`triage:<case>:user:<id>`) is unique.
"""

from django.db import transaction
from django.utils import timezone

from complaints.models import Case
from teams.selectors import managers, team_leads

from .models import Notification, NotificationKind
from .services import notifications_create, outbox_enqueue_on_commit


def triage_recipients() -> list:
    """Every active team lead (a Triage case's leads); the managers if none."""
    return list(team_leads(None)) or list(managers())


def triage_announce(*, case_id: int) -> int:
    """Notify once that case `case_id` waits in Triage; return how many were told."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .filter(pk=case_id, team__isnull=True)
            .first()
        )
        if case is None:  # routed meanwhile, or gone
            return 0
        told = Notification.objects.filter(case=case, kind=NotificationKind.TRIAGE)
        if told.exists():
            return 0
        recipients = triage_recipients()
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
