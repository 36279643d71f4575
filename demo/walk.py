"""Play a demo script through the real services, each step at its own moment.

`steps_for(spec)` lists the service calls in order; `play` runs them under
time-machine at back-dated instants, so every event, message, deadline and
follow-up carries the time it would have had. Nothing here writes a stage.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from api.services import complaint_file_from_api
from complaints import lifecycle
from complaints.actors import Actor, By
from complaints.models import STAGE_ORDER, Case, Category, RootCause, Stage
from complaints.services import (
    case_assign,
    case_escalate,
    case_file,
    case_set_awaiting_customer,
    case_update,
    message_post,
)
from followups.services import followup_complete, followup_schedule

from .clock import at, next_moment
from .specs import CUSTOMERS, FollowUpSpec, OfferSpec, Spec

ANYTIME = ("withdrawn", "duplicate", "relationship_ended")
APOLOGY = (
    "{first}, I am truly sorry that {sorry}. That is not the experience you should "
    "have had with us, and thank you for taking the time to tell us. Will you "
    "accept our apology?"
)


@dataclass
class Context:
    users: dict[str, Any]
    customers: list[Any]
    api_client: Any
    cases: dict[str, Case] = field(default_factory=dict)


@dataclass
class Step:
    call: Callable[[Case | None], Case | None]
    # Days after the resolution at which it happens (follow-up completions).
    after_resolution: float | None = None
    resolves: bool = False


def play(spec: Spec, ctx: Context, *, now: datetime) -> Case:
    """Run the script's steps from `spec.days` ago; return the case."""
    steps = steps_for(spec, ctx)
    moment, resolved_at, case = now - timedelta(days=spec.days), None, None
    for n, step in enumerate(steps):
        floor = None
        if step.after_resolution is not None and resolved_at is not None:
            floor = resolved_at + timedelta(days=step.after_resolution)
        moment = next_moment(moment, now=now, remaining=len(steps) - n, floor=floor)
        if moment >= now:
            raise ValueError(f"demo script {spec.key!r} runs past now")
        with at(moment):
            case = step.call(case) or case
        if step.resolves:
            resolved_at = moment
    return Case.objects.get(pk=case.pk)


def steps_for(spec: Spec, ctx: Context) -> list[Step]:
    """List the service calls that take the case where the script ends."""
    steps = [Step(lambda _: _file(spec, ctx))]
    reach = _reach(spec)
    assignee = ctx.users.get(spec.assignee) if spec.assignee else None
    if assignee is not None:
        steps.append(
            Step(lambda c: case_assign(case=c, assignee=assignee, by=assignee))
        )
    worker = assignee or ctx.users["agent"]
    if spec.skip_to:
        steps.append(Step(lambda c: _skip(c, spec, worker), resolves=True))
    else:
        steps += _hear(spec, reach, worker)
        steps += _resolve(spec, reach, worker, ctx)
    steps += _follow_up(spec, worker)
    steps += _extras(spec, worker)
    if spec.reopen:
        steps += _reopen(spec, worker, ctx)
    if spec.close:
        steps.append(Step(lambda c: _close(c, spec, worker, ctx)))
    return steps


def _reach(spec: Spec) -> str:
    """The stage the ordinary walk reaches before any close."""
    if spec.close in ANYTIME:
        return spec.close_from
    if spec.stage == Stage.CLOSED:
        return Stage.FOLLOWING_UP if spec.followups else Stage.RESOLVED
    return spec.stage


def _past(reach: str, stage: str) -> bool:
    return STAGE_ORDER.index(reach) >= STAGE_ORDER.index(stage)


def _file(spec: Spec, ctx: Context) -> Case:
    # Staff log what they hear by phone or in person; the rest the customer sends.
    if spec.via_api:
        by = Actor.of_client(ctx.api_client.name)
    elif spec.channel in ("phone", "in_person", "chat") and spec.assignee:
        by = ctx.users[spec.assignee]
    else:
        by = Actor.customer()
    fields = {
        "subject": spec.subject,
        "description": spec.description,
        "channel": spec.channel,
        "category": Category.objects.get(slug=spec.category),
        "priority": spec.priority,
        "metadata": {"demo": spec.key},
        "by": by,
    }
    customer = ctx.customers[spec.customer]
    if spec.via_api:
        # As a shop would: it sends the customer, the filing records the echo.
        sent = {"email": customer.email, "name": customer.name, "phone": customer.phone}
        case = complaint_file_from_api(customer=sent, client=ctx.api_client, **fields)
    else:
        case = case_file(customer=customer, **fields)
    ctx.cases[spec.key] = case
    return case


def _hear(spec: Spec, reach: str, worker: Any) -> list[Step]:
    steps: list[Step] = []
    move = lifecycle.transition
    if not _past(reach, Stage.LISTENING):
        return steps
    steps.append(Step(lambda c: move(c, Stage.LISTENING, by=worker)))
    for text in spec.from_customer:
        steps.append(Step(lambda c, t=text: _from_customer(c, t)))
    for text in spec.notes:
        steps.append(
            Step(lambda c, t=text: _note(c, t, worker)),
        )
    if reach == Stage.LISTENING and spec.account:
        steps.append(
            Step(
                lambda c: case_update(case=c, by=worker, customer_account=spec.account)
            )
        )
    if _past(reach, Stage.ACKNOWLEDGED):
        first = CUSTOMERS[spec.customer][0].split()[0]
        apology = APOLOGY.format(first=first, sorry=spec.sorry)
        steps.append(
            Step(
                lambda c: move(
                    c,
                    Stage.ACKNOWLEDGED,
                    by=worker,
                    customer_account=spec.account,
                    restatement=spec.restatement,
                    apology=apology,
                )
            )
        )
    if _past(reach, Stage.RESOLVING):
        outcome = (
            {"desired_outcome_declined": True}
            if spec.outcome is None
            else {"desired_outcome": spec.outcome}
        )
        steps.append(Step(lambda c: move(c, Stage.RESOLVING, by=worker, **outcome)))
    return steps


def _resolve(spec: Spec, reach: str, worker: Any, ctx: Context) -> list[Step]:
    steps: list[Step] = []
    if not _past(reach, Stage.RESOLVING):
        return steps
    for offer in spec.offers:
        steps += _offer_steps(offer, worker, ctx)
    if spec.root_cause:
        steps.append(Step(lambda c: _root_cause(c, spec, worker)))
    if _past(reach, Stage.RESOLVED):
        steps.append(
            Step(
                lambda c: lifecycle.transition(
                    c, Stage.RESOLVED, by=worker, resolution_summary=spec.resolution
                ),
                resolves=True,
            )
        )
    return steps


def _offer_steps(offer: OfferSpec, worker: Any, ctx: Context) -> list[Step]:
    made: dict[str, Any] = {}
    maker = ctx.users.get(offer.by) or worker

    def make(case: Case) -> None:
        made["offer"] = lifecycle.offer_make(
            case=case,
            kind=offer.kind,
            amount=offer.amount,
            currency="GBP" if offer.amount else "",
            description=offer.description,
            extra_mile=offer.extra_mile,
            by=maker,
        )

    def moved(name: str) -> Callable[[Case], None]:
        def run(case: Case) -> None:
            by = ctx.users["lead"] if name in ("approve", "reject") else worker
            extra = {"counter_request": offer.counter} if name == "counter" else {}
            mover = getattr(lifecycle, f"offer_{name}")
            made["offer"] = mover(offer=made["offer"], by=by, **extra)

        return run

    return [Step(make)] + [Step(moved(name)) for name in offer.moves]


def _follow_up(spec: Spec, worker: Any) -> list[Step]:
    steps = []
    scheduled: dict[int, Any] = {}
    for n, plan in enumerate(spec.followups):
        steps.append(Step(lambda c, n=n, p=plan: _schedule(c, p, n, scheduled, worker)))
    for n, plan in enumerate(spec.followups):
        if plan.outcome:
            steps.append(
                Step(
                    lambda c, n=n, p=plan: _complete(scheduled[n], p, worker),
                    after_resolution=plan.after_days,
                )
            )
    return steps


def _schedule(case: Case, plan: FollowUpSpec, n: int, into: dict, by: By) -> None:
    resolved = Case.objects.get(pk=case.pk).resolved_at
    into[n] = followup_schedule(
        case=case,
        # Days after the resolution, but never before this step: a case
        # resolved on a Friday evening has its step on Monday morning.
        due_at=max(resolved + timedelta(days=plan.after_days), timezone.now()),
        channel=plan.channel,
        note="Check the customer is truly happy with the outcome.",
        by=by,
    )


def _complete(followup: Any, plan: FollowUpSpec, by: By) -> None:
    # An email survey is answered by the customer through its link; staff
    # record phone calls.
    if followup.channel == "email":
        by = Actor.customer()
    followup_complete(
        followup=followup, outcome=plan.outcome, csat=plan.csat, note=plan.note, by=by
    )


def _extras(spec: Spec, worker: Any) -> list[Step]:
    steps = []
    for level in range(1, spec.escalate + 1):
        reason = "resolution deadline breached" if level == 2 else "deadline breached"
        steps.append(
            Step(
                lambda c, lv=level, r=reason: case_escalate(
                    case=c, level=lv, reason=r, by=Actor.system("process_due")
                )
            )
        )
    if spec.awaiting:
        steps.append(
            Step(lambda c: case_set_awaiting_customer(case=c, awaiting=True, by=worker))
        )
    return steps


def _reopen(spec: Spec, worker: Any, ctx: Context) -> list[Step]:
    """After an unsatisfied follow-up reopened it: apologise again, fix, follow up."""
    _reason, apology, summary = spec.reopen
    move = lifecycle.transition
    redo = OfferSpec("redo", None, ("accept", "fulfil"), "Senior engineer visit")
    steps = [
        Step(lambda c: move(c, Stage.ACKNOWLEDGED, by=worker, apology=apology)),
        Step(lambda c: move(c, Stage.RESOLVING, by=worker)),
    ]
    steps += _offer_steps(redo, worker, ctx)
    steps.append(
        Step(
            lambda c: move(c, Stage.RESOLVED, by=worker, resolution_summary=summary),
            resolves=True,
        )
    )
    again = FollowUpSpec(7, "phone", "satisfied", 5, "Warm house, no pressure drops.")
    scheduled: dict[int, Any] = {}
    steps.append(Step(lambda c: _schedule(c, again, 0, scheduled, worker)))
    steps.append(
        Step(lambda c: _complete(scheduled[0], again, worker), after_resolution=7)
    )
    return steps


def _skip(case: Case, spec: Spec, worker: Any) -> Case:
    return lifecycle.transition(
        case,
        spec.skip_to,
        by=worker,
        skip_reason=spec.skip_reason,
        resolution_summary=spec.resolution,
    )


def _close(case: Case, spec: Spec, worker: Any, ctx: Context) -> Case:
    extra = {}
    if spec.duplicate_of:
        extra["duplicate_of"] = Case.objects.get(metadata__demo=spec.duplicate_of)
    return lifecycle.transition(
        case, Stage.CLOSED, by=worker, close_reason=spec.close, **extra
    )


def _root_cause(case: Case, spec: Spec, worker: Any) -> Case:
    cause = RootCause.objects.get(slug=spec.root_cause)
    return case_update(case=case, by=worker, root_cause=cause)


def _from_customer(case: Case, text: str) -> None:
    message_post(
        case=case,
        body=text,
        visibility="customer",
        kind="from_customer",
        by=Actor.customer(),
    )


def _note(case: Case, text: str, worker: Any) -> None:
    message_post(case=case, body=text, visibility="internal", by=worker)
