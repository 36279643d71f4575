"""Follow-up cancellations that case moves cause (closing, reopening).

They live with the lifecycle because a stage change causes them inside its
own transaction; `followups.services` schedules and completes follow-ups.
"""

from typing import Any

from followups.models import FollowUp, FollowUpStatus

from ..actors import Actor
from ..models import Case, EventKind
from ..timeline import record_event


def followups_cancel_open(*, case: Case, reason: str, by: Actor | Any = None) -> int:
    """Cancel the case's scheduled follow-ups; return how many."""
    ids = list(
        FollowUp.objects.filter(case=case, status=FollowUpStatus.SCHEDULED).values_list(
            "pk", flat=True
        )
    )
    if ids:
        FollowUp.objects.filter(pk__in=ids).update(
            status=FollowUpStatus.CANCELLED, next_check_at=None
        )
        record_event(
            case, EventKind.FOLLOWUPS_CANCELLED, by=by, followup_ids=ids, reason=reason
        )
    return len(ids)
