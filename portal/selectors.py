"""Reads for the customer side: what a signed link opens and how it reads to a customer.

Everything here returns only what the customer may see: customer-facing
messages, offers once they were put to the customer, the stage in plain words.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.actors import customer_facing_name
from complaints.models import (
    Case,
    CloseReason,
    Message,
    MessageKind,
    Offer,
    OfferStatus,
    Stage,
    Visibility,
)
from followups.models import FollowUp, FollowUpChannel, FollowUpStatus
from sla.models import Deadline, DeadlineKind

from .copy import CLOSE_NOTES, STEPS
from .links import read_status_link, read_survey_link, status_token_from_form

# Offers the customer has seen: never those awaiting or refused internal approval.
SHOWN_OFFERS = (
    OfferStatus.PROPOSED,
    OfferStatus.ACCEPTED,
    OfferStatus.FULFILLED,
    OfferStatus.DECLINED,
    OfferStatus.COUNTERED,
    OfferStatus.WITHDRAWN,
)


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    state: str  # "done", "current" or "upcoming"


@dataclass(frozen=True)
class Promise:
    """When we said we would act, in the case calendar's time zone."""

    kind: str  # "reply", "resolve", "waiting" or "late"
    due: datetime | None
    zone: str


def case_for_status_token(token: str) -> Case | None:
    """The case a status token names, or None when the token is not valid or revoked."""
    read = read_status_link(token)
    if read is None:
        return None
    reference, epoch = read
    # A revoked link (its epoch behind the case's) opens nothing.
    return (
        Case.objects.select_related("customer", "sla_policy__calendar")
        .filter(reference=reference, link_epoch=epoch)
        .first()
    )


def link_may_change_consent(token: str) -> bool:
    """Whether a status link may show and change the customer's consent.

    Only the link emailed to the customer may (or one staff hand them): the
    one shown after filing on the form went to whoever typed the address.
    """
    return not status_token_from_form(token)


def followup_for_survey_token(token: str) -> FollowUp | None:
    """The follow-up a survey token names, or None when not valid or revoked."""
    read = read_survey_link(token)
    if read is None:
        return None
    followup_id, epoch = read
    return (
        FollowUp.objects.select_related("case")
        .filter(pk=followup_id, case__survey_epoch=epoch)
        .first()
    )


def customer_messages(*, case: Case) -> QuerySet[Message]:
    """The case's customer-facing messages, oldest first (never internal notes)."""
    return (
        case.messages.filter(visibility=Visibility.CUSTOMER)
        .select_related("author")
        .order_by("created_at", "id")
    )


def message_sender(message: Message) -> str:
    """Who wrote the message, as the customer should read it."""
    if message.kind == MessageKind.FROM_CUSTOMER:
        return _("You")
    first = customer_facing_name(message.author)
    return _("%(name)s, from our team") % {"name": first} if first else _("Our team")


def customer_offers(*, case: Case) -> list[Offer]:
    """Offers put to the customer, oldest first."""
    return list(case.offers.filter(status__in=SHOWN_OFFERS).order_by("created_at"))


def survey_due(*, case: Case, now: datetime | None = None) -> FollowUp | None:
    """The case's email check-in that has fallen due, for the status page to offer."""
    return (
        case.followups.filter(
            status=FollowUpStatus.SCHEDULED,
            channel=FollowUpChannel.EMAIL,
            due_at__lte=now or timezone.now(),
        )
        .order_by("due_at", "id")
        .first()
    )


def case_progress(*, case: Case) -> list[Step]:
    """The stages as a customer's checklist: done, current, upcoming."""
    order = [stage for stage, _title, _text in STEPS]
    current = len(order) if case.stage == Stage.CLOSED else order.index(case.stage)
    return [
        Step(
            title=title,
            text=text,
            state="done" if i < current else "current" if i == current else "upcoming",
        )
        for i, (_stage, title, text) in enumerate(STEPS)
    ]


def close_note(*, case: Case) -> str:
    """A line explaining why a closed case is closed (empty while open)."""
    if case.is_open:
        return ""
    return CLOSE_NOTES.get(case.close_reason, CLOSE_NOTES[CloseReason.SATISFIED])


def case_promise(*, case: Case, now: datetime | None = None) -> Promise | None:
    """What we have promised the customer next, from the case's SLA deadlines."""
    if not case.is_open or case.stage in (Stage.RESOLVED, Stage.FOLLOWING_UP):
        return None
    zone = case_zone(case=case)
    if case.awaiting_customer:
        return Promise(kind="waiting", due=None, zone=zone.key)
    now = now or timezone.now()
    deadlines = {d.kind: d for d in Deadline.objects.filter(case=case)}
    first = deadlines.get(DeadlineKind.FIRST_RESPONSE)
    resolution = deadlines.get(DeadlineKind.RESOLUTION)
    for deadline, kind in ((first, "reply"), (resolution, "resolve")):
        if deadline is None or deadline.met_at or deadline.cancelled_at:
            continue
        if deadline.paused_at:
            return Promise(kind="waiting", due=None, zone=zone.key)
        if deadline.due_at <= now:
            return Promise(kind="late", due=None, zone=zone.key)
        return Promise(kind=kind, due=deadline.due_at.astimezone(zone), zone=zone.key)
    return None


def case_zone(*, case: Case) -> ZoneInfo:
    """The time zone the case's promises are kept in (its SLA calendar's, else UTC)."""
    policy = case.sla_policy
    name = policy.calendar.time_zone if policy and policy.calendar_id else "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
