"""What the SLA clocks do when a case changes: registered into `complaints.hooks`.

The core runs these inside its own transaction, so a clock never disagrees
with the case it times. `SlaConfig.ready()` calls `register()`.
"""

from datetime import datetime

from complaints import hooks
from complaints.hooks import Hook
from complaints.models import Case

from . import services


def _set_policy(*, case: Case) -> None:
    case.sla_policy = services.policy_for(case)


def _plan(*, case: Case) -> dict[str, list]:
    # Written with the new case (complaints.writes), as all the clocks it has.
    return {"deadlines": services.deadlines_plan(case=case)}


def _retime(*, case: Case) -> None:
    services.deadlines_recompute(case=case)


def _awaiting(*, case: Case, awaiting: bool) -> None:
    if awaiting:
        services.deadlines_pause(case=case)
    else:
        services.deadlines_resume(case=case)


def _first_response(*, case: Case, at: datetime) -> None:
    services.deadlines_first_response(case=case, at=at)


def _stage(*, case: Case, before: str, after: str) -> None:
    services.deadlines_on_stage_change(case=case, before=before, after=after)


def register() -> None:
    """Hook the clocks into the case's changes."""
    hooks.register(Hook.CASE_FILING, _set_policy)
    hooks.register(Hook.CASE_ROWS, _plan)
    hooks.register(Hook.CASE_RETIMED, _retime)
    hooks.register(Hook.AWAITING_CHANGED, _awaiting)
    hooks.register(Hook.FIRST_RESPONSE, _first_response)
    hooks.register(Hook.STAGE_CHANGED, _stage)
