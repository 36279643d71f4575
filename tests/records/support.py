"""Builders for the records tests: closed cases with words worth anonymising."""

from datetime import datetime

from django.core.files.base import ContentFile

from attachments.models import Source
from attachments.services import attachment_add
from complaints.actors import Actor
from complaints.models import Case, MessageKind
from complaints.services import message_post
from regimes.support import (
    customer_representative_record,
    customer_vulnerability_record,
)
from teams.models import Team
from tests.attachments.samples import png_bytes
from tests.factories import CaseFactory, CustomerFactory, StaffFactory

SECRET = "zanzibarquokka"  # a word only the customer's message contains
ADJUSTMENTS = "Large print; ring Ada's daughter before 10am."
CONSENT = "Ada herself, by phone"
REP_NAME = "Grace Quokka-Hopper"
REP_EMAIL = "grace.hopper@example.org"
AUTHORITY = "Lasting power of attorney signed 2021, ref LPA-77123"


def closed_case(
    *,
    closed: datetime,
    regime: str = "fca",
    received: datetime | None = None,
    customer=None,
    category=None,
    by=None,
    team=None,
):
    """A case walked to `closed` through the services, then dated: received
    and closed at the given instants, under `regime`."""
    extra = {"category": category} if category else {}
    if by is None:
        team, _ = Team.objects.get_or_create(slug="care", defaults={"name": "Care"})
        by = StaffFactory(role="agent", teams=[team])
    if team is not None:
        extra["team"] = team
    extra["by"] = by
    case = CaseFactory.in_stage(
        "closed",
        customer=customer or CustomerFactory(name="Ada Quokka", phone="07700 900123"),
        description=f"My vase broke. Reach me about the {SECRET}.",
        **extra,
    )
    message_post(
        case=case,
        body=f"Please ring me about the {SECRET} at home.",
        visibility="customer",
        kind=MessageKind.FROM_CUSTOMER,
        by=Actor.customer(),
    )
    Case.objects.filter(pk=case.pk).update(
        regime=regime, received_at=received or closed, closed_at=closed
    )
    case.refresh_from_db()
    return case


def attach(case):
    return attachment_add(
        case=case,
        file=ContentFile(png_bytes(), name="ada-passport.png"),
        source=Source.FORM,
        by=Actor.customer(),
    )


def supported(customer, *, drivers=("health", "life_events")):
    """Record, through the one path, a vulnerability (with consent and
    adjustments) and a representative who gets a copy of each letter."""
    system = Actor.system("test")
    customer_vulnerability_record(
        customer=customer,
        drivers=list(drivers),
        adjustments=ADJUSTMENTS,
        consent_from=CONSENT,
        by=system,
    )
    customer_representative_record(
        customer=customer,
        name=REP_NAME,
        kind="power_of_attorney",
        authority=AUTHORITY,
        email=REP_EMAIL,
        receives_letters="copy",
        by=system,
    )
    customer.refresh_from_db()
    return customer
