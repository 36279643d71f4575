"""Writes of regulated handling: set a case's regime, its clocks, receipt, letters.

Every write runs in one transaction with its timeline event (CONTRACT §15):
- `case_regime_choose` and `clocks_plan` run inside each filing (the
  `complaints.hooks` filing hooks): one picks the regime before the case is
  inserted, the other plans its statutory clocks, written with the case;
- `case_received_at_change`: a manager, with a reason, corrects the legal
  instant of receipt; the clocks are recomputed;
- `letter_send` (in `regimes.sending`): checks, keeps and sends a letter.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from complaints.actors import Actor, as_actor
from complaints.exceptions import ActionForbidden, DomainError
from complaints.models import Case, EventKind
from complaints.services import received_at_check
from complaints.timeline import record_event
from complaints.versions import case_lock, case_version_bump
from teams.selectors import is_manager

from .clocks import RegimeCalendar, due_at, warn_at
from .models import Regime, StatutoryDeadline
from .selectors import regime_code_for, regime_of_case


def case_regime_choose(case: Case) -> None:
    """Set a new case's regime (category, else team, else DEFAULT_REGIME) before
    its insert; `clocks_plan` then plans its statutory clocks."""
    case.regime = regime_code_for(category=case.category, team=case.team)


def clocks_plan(*, case: Case) -> list[StatutoryDeadline]:
    """The unsaved statutory clocks of the case's regime version at receipt."""
    regime = regime_of_case(case)
    if regime is None or case.received_at is None:
        return []
    cal = RegimeCalendar.of(regime)
    rows = []
    for spec in regime.clocks or []:
        due = due_at(spec, case.received_at, cal)
        breaches = bool(spec.get("breaches", True))
        row = StatutoryDeadline(
            case=case,
            regime=regime,
            kind=spec["kind"],
            due_at=due,
            warn_at=warn_at(spec, case.received_at, due),
            breaches=breaches,
        )
        row.next_check_at = next_check(row)
        rows.append(row)
    return rows


def next_check(row: StatutoryDeadline) -> datetime | None:
    """When the due pass must look at a clock next (None: never again)."""
    if row.met_at or not row.breaches or row.breached_at:
        return None
    return row.warn_at if row.warned_at is None else row.due_at


def clock_spec(regime: Regime, kind: str) -> dict[str, Any] | None:
    return next((c for c in regime.clocks or [] if c.get("kind") == kind), None)


def clock_reschedule(
    row: StatutoryDeadline, spec: dict[str, Any], received_at: datetime, now: datetime
) -> None:
    """Move an unmet clock to the due time `spec` gives; a warning or breach
    already recorded stands unless its time is now in the future."""
    cal = RegimeCalendar.of(row.regime)
    row.due_at = due_at(spec, received_at, cal)
    row.warn_at = warn_at(spec, received_at, row.due_at)
    if row.breached_at and row.due_at > now:
        row.breached_at = None
    if row.warned_at and row.warn_at > now:
        row.warned_at = None
    row.next_check_at = next_check(row)


def received_at_change_check(*, by: Actor | Any) -> None:
    """Raise ActionForbidden unless `by` may correct a receipt: managers only."""
    actor = as_actor(by)
    if actor.user is None or not is_manager(actor.user):
        raise ActionForbidden(
            gettext("Only a manager may change when a complaint was received.")
        )


def case_received_at_change(
    *, case: Case, received_at: datetime, reason: str, by: Actor | Any
) -> Case:
    """Correct the legal instant of receipt (managers only, with a reason);
    recorded on the timeline; the unmet statutory clocks are recomputed.

    Raises ActionForbidden for anyone but a manager, DomainError for a
    missing reason or an instant out of bounds (`received_at_check`).
    """
    actor = as_actor(by)
    if actor.user is None or not is_manager(actor.user):
        raise ActionForbidden(
            gettext("Only a manager may change when a complaint was received.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(gettext("Say why the receipt time changes."), ["reason"])
    now = timezone.now()
    received_at = received_at_check(received_at, now=now)
    with transaction.atomic():
        case = case_lock(case)
        before = case.received_at
        if before == received_at:
            return case
        case.received_at = received_at
        case_version_bump(case, fields=["received_at"])
        record_event(
            case,
            EventKind.RECEIVED_AT_CHANGED,
            by=actor,
            before=before.isoformat() if before else None,
            after=received_at.isoformat(),
            reason=reason,
        )
        clocks_recompute(case=case, now=now)
    return case


def clocks_recompute(*, case: Case, now: datetime) -> None:
    """Recompute the unmet clocks of a case from its (changed) receipt."""
    rows = StatutoryDeadline.objects.select_for_update().filter(
        case=case, met_at__isnull=True
    )
    for row in rows.select_related("regime"):
        spec = clock_spec(row.regime, row.kind)
        if spec is None:
            continue
        clock_reschedule(row, spec, case.received_at, now)
        row.save()
