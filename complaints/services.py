"""Writes to cases other than stage and offer moves (those live in `lifecycle`).

Each service runs in one transaction, bumps the case version and appends its
timeline event. Assigning and routing live in `assignment` (re-exported here).
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext

from customers.models import Customer
from teams.models import Team

from . import hooks
from .actors import By, as_actor
from .assignment import assignment_check, case_assign, case_route, route_check
from .bounds import fields_check, json_check, moment_check
from .exceptions import DomainError, InvalidInput
from .hooks import Hook
from .models import (
    Case,
    Category,
    Channel,
    EventKind,
    Message,
    MessageKind,
    Priority,
    RootCause,
    Visibility,
)
from .selectors import related_known
from .timeline import record_event
from .versions import case_lock, case_version_bump
from .writes import case_insert, reference_next

__all__ = [
    "assignment_check",
    "case_assign",
    "case_escalate",
    "case_file",
    "case_route",
    "case_set_awaiting_customer",
    "case_update",
    "message_post",
    "reference_next",
    "route_check",
]

EDITABLE = (
    "priority",
    "category",
    "subject",
    "customer_account",
    "restatement",
    "desired_outcome",
    "root_cause",
)


def case_file(
    *,
    customer: Customer,
    subject: str,
    description: str,
    channel: str = Channel.WEB,
    category: Category | None = None,
    priority: str = Priority.NORMAL,
    team: Team | None = None,
    desired_outcome: str = "",
    occurred_at: datetime | None = None,
    metadata: dict[str, Any] | None = None,
    api_client: Any = None,
    received_at: datetime | None = None,
    also: Callable[[Case], list[Model]] | None = None,
    by: By,
) -> Case:
    """File a new complaint and start its SLA clocks.

    `also(case)` may give more unsaved rows pointing at the new case, written
    with it (an API client's filing echo).

    `received_at` (default: now) is the legal instant of receipt a relaying
    client may give for a complaint it received earlier; see
    `received_at_check`. The filing hooks (`complaints.hooks`) plan the rows
    of the rooms above (SLA and statutory clocks); `complaints.writes` writes
    them with the case, taking the reference last (its lock is held to
    commit). Raises InvalidInput when a value is out of bounds
    (`complaints.bounds`), before anything is written.

    Runs in the caller's transaction when there is one (no savepoint: a filing
    that fails fails the caller's transaction with it), else in its own.
    """
    fields_check(
        Case,
        {
            "subject": subject,
            "description": description,
            "desired_outcome": desired_outcome or "",
        },
    )
    moment_check(occurred_at, field="occurred_at")
    json_check(metadata or {}, field="metadata")
    actor = as_actor(by)
    now = timezone.now()
    received_at = received_at_check(received_at, now=now) if received_at else now
    if team is None and category is not None:
        team = category.default_team
    with transaction.atomic(savepoint=False):
        return _case_insert(
            actor=actor,
            customer=customer,
            subject=subject,
            description=description,
            channel=channel,
            category=category,
            priority=priority,
            team=team,
            desired_outcome=desired_outcome,
            occurred_at=occurred_at,
            metadata=metadata,
            api_client=api_client,
            received_at=received_at,
            also=also,
        )


def _case_insert(
    *,
    actor: Any,
    customer: Customer,
    subject: str,
    description: str,
    channel: str,
    category: Category | None,
    priority: str,
    team: Team | None,
    desired_outcome: str,
    occurred_at: datetime | None,
    metadata: dict[str, Any] | None,
    api_client: Any,
    received_at: datetime,
    also: Callable[[Case], list[Model]] | None,
) -> Case:
    case = Case(
        customer=customer,
        subject=subject.strip(),
        description=description.strip(),
        channel=channel,
        category=category,
        priority=priority,
        team=team,
        desired_outcome=(desired_outcome or "").strip(),
        occurred_at=occurred_at,
        metadata=metadata or {},
        api_client=api_client,
        received_at=received_at,
    )
    # Only the first case filed with a customer just created is its first.
    case.first_of_customer, customer.created_here = customer.created_here, False
    hooks.run(Hook.CASE_FILING, case=case)
    # The case, its event and the rows the rooms above add (its clocks) are
    # written together, the reference taken in the same statement
    # (`complaints.writes`); each room's rows are then known to be all the
    # new case has of them, so reading them back costs no query.
    case.created_at = case.updated_at = timezone.now()
    record_event(
        case,
        EventKind.CASE_FILED,
        by=actor,
        into=(rows := []),
        after="new",
        channel=channel,
        priority=priority,
        category=category.slug if category else None,
        team=team.slug if team else None,
    )
    related: dict[str, list] = {}
    for planned in hooks.run(Hook.CASE_ROWS, case=case):
        for name, planned_rows in (planned or {}).items():
            related[name] = planned_rows
            rows += planned_rows
    rows += also(case) if also is not None else []
    case_insert(case, rows, year=case.created_at.year)
    for name, planned_rows in related.items():
        related_known(case, name, planned_rows)
    hooks.run(Hook.CASE_FILED, case=case)
    return case


RECEIVED_AT_MAX_AGE = timedelta(days=90)
RECEIVED_AT_SKEW = timedelta(minutes=5)


def received_at_check(received_at: datetime, *, now: datetime) -> datetime:
    """Return a legal instant of receipt, or raise InvalidInput (`received_at`).

    It may be at most 90 days ago (a relayed complaint) and not in the future
    (five minutes of clock skew are forgiven and clamped to now).
    """
    if timezone.is_naive(received_at):
        raise InvalidInput("received_at", gettext("received_at needs a time zone."))
    if received_at > now + RECEIVED_AT_SKEW:
        raise InvalidInput(
            "received_at", gettext("received_at may not be in the future.")
        )
    if received_at < now - RECEIVED_AT_MAX_AGE:
        raise InvalidInput(
            "received_at", gettext("received_at may be at most 90 days ago.")
        )
    return min(received_at, now)


def case_update(
    *,
    case: Case,
    by: By,
    expected_version: int | None = None,
    **changes: Any,
) -> Case:
    """Edit the case's descriptive fields (see EDITABLE); raise StaleVersion.

    A change of priority or category recomputes the open SLA deadlines. Raises
    InvalidInput when a text is out of bounds.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise DomainError(
            gettext("Not editable here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
            sorted(unknown),
        )
    fields_check(Case, {k: v for k, v in changes.items() if isinstance(v, str)})
    actor = as_actor(by)
    with transaction.atomic():
        case = case_lock(case, expected_version=expected_version)
        before, after = {}, {}
        for name, value in changes.items():
            old = getattr(case, name)
            if isinstance(value, str):
                value = value.strip()
            if old == value:
                continue
            before[name], after[name] = _plain(old), _plain(value)
            setattr(case, name, value)
        if not after:
            return case
        case_version_bump(case)
        record_event(case, EventKind.CASE_EDITED, by=actor, before=before, after=after)
        if {"priority", "category"} & set(after):
            hooks.run(Hook.CASE_RETIMED, case=case)
    return case


def case_escalate(*, case: Case, level: int, by: By, reason: str = "") -> Case:
    """Raise the escalation level (never lowers it); a no-op when already there."""
    actor = as_actor(by)
    with transaction.atomic():
        case = case_lock(case)
        if level <= case.escalation_level or level > 2:
            return case
        before = case.escalation_level
        case.escalation_level = level
        case_version_bump(case, fields=["escalation_level"])
        record_event(
            case,
            EventKind.ESCALATED,
            by=actor,
            before=before,
            after=level,
            reason=reason,
        )
    return case


def case_set_awaiting_customer(*, case: Case, awaiting: bool, by: By) -> Case:
    """Mark the case as waiting on the customer (pauses the resolution clock) or not."""
    actor = as_actor(by)
    with transaction.atomic():
        case = case_lock(case)
        if case.awaiting_customer == awaiting or (awaiting and not case.is_open):
            return case
        case.awaiting_customer = awaiting
        case.awaiting_customer_since = timezone.now() if awaiting else None
        case_version_bump(case)
        record_event(
            case,
            EventKind.AWAITING_CUSTOMER,
            by=actor,
            before=not awaiting,
            after=awaiting,
        )
        hooks.run(Hook.AWAITING_CHANGED, case=case, awaiting=awaiting)
    return case


def message_post(
    *,
    case: Case,
    body: str,
    visibility: str,
    by: By,
    kind: str = MessageKind.NOTE,
    pitch_warning: bool = False,
    lock: bool = True,
) -> Message:
    """Add a message; the first customer-facing one is the case's first response.

    A message from the customer ends a wait on the customer. Raises DomainError
    on an empty body or unknown visibility, InvalidInput on an unstorable one.
    """
    if not (body or "").strip():
        raise DomainError(gettext("The message is empty."), ["body"])
    fields_check(Message, {"body": body})
    if visibility not in Visibility.values:
        raise DomainError(
            gettext("Unknown visibility %(visibility)r.") % {"visibility": visibility},
            ["visibility"],
        )
    actor = as_actor(by)
    with transaction.atomic():
        if lock:
            case = case_lock(case)
        message = Message.objects.create(
            case=case,
            author=actor.user,
            author_label=actor.label,
            visibility=visibility,
            kind=kind,
            body=body.strip(),
            pitch_warning=pitch_warning,
        )
        staff_reply = (
            visibility == Visibility.CUSTOMER and kind != MessageKind.FROM_CUSTOMER
        )
        if staff_reply and case.first_response_at is None:
            case.first_response_at = message.created_at
            hooks.run(Hook.FIRST_RESPONSE, case=case, at=message.created_at)
        if lock:
            case_version_bump(case)
        record_event(
            case,
            EventKind.MESSAGE_ADDED,
            by=actor,
            message_id=message.pk,
            visibility=visibility,
            message_kind=kind,
            pitch_warning=pitch_warning,
        )
        if staff_reply:
            hooks.run(Hook.CUSTOMER_MESSAGE, case=case, message=message)
    if kind == MessageKind.FROM_CUSTOMER and case.awaiting_customer:
        case_set_awaiting_customer(case=case, awaiting=False, by=actor)
    return message


def _plain(value: Any) -> Any:
    if isinstance(value, Category | RootCause | Team):
        return value.slug
    return value
