"""A hand-built month of cases with known dashboard figures (no tests here).

Everything is made through the real services, with time-machine placing each
step at a known instant. Calendar: UTC, Monday–Friday 09:00–17:00; normal
priority: first response within 4 business hours, resolution within 40.
The period under test is March 2026; "now" is Friday 2026-04-03 12:00 UTC.

Team Care (the lead's team):
  A  Mon 03-02 10:00, apology 11:00 (1 h), refund 50 EUR, resolved Tue 03-03
     10:00, follow-up done Thu 03-05 unsatisfied (csat 2) → reopened, open.
     Root cause "packaging". Category delivery.
  B  Fri 03-06 16:00, apology Mon 03-09 12:00 (4 h, exactly on due), waits on
     the customer Mon 13:00 → Wed 03-11 13:00, credit 150 EUR above the limit
     (approved, declined), refund 80 EUR fulfilled, resolved Thu 03-12 10:00
     (10 business hours of clock), follow-up satisfied (csat 4), closed Fri
     03-13 12:00. Category delivery.
  C  Tue 03-10 09:00, never answered, escalated to level 1 at 14:00; stays new.
     Category delivery.
  D  Wed 02-25 10:00 (before the period), withdrawn Tue 03-03 10:00.
     Category delivery.
  E  Mon 03-30 16:00, apology Thu 04-02 10:00 (after the period; late).
     Category billing. Same customer as G.
  F  Mon 03-16 10:00, reply 11:00 (1 h), skips acknowledged (listening →
     resolving), waits on the customer from Tue 03-17 10:00 (paused clock).
     Category billing.
  G  Wed 03-18 10:00, apology 10:30 (0.5 h), credit 200 EUR pending approval.
Team Billing (not the lead's):
  H  Fri 03-20 10:00, never answered.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time

import time_machine

from complaints import lifecycle
from complaints.actors import Actor
from complaints.models import Category, OfferLimit, RootCause
from complaints.services import (
    case_assign,
    case_escalate,
    case_set_awaiting_customer,
    case_update,
    message_post,
)
from followups.services import followup_complete, followup_schedule
from sla.models import Calendar, SlaPolicy, WorkingHours
from tests.factories import CaseFactory, CustomerFactory

NOW = datetime(2026, 4, 3, 12, tzinfo=UTC)
APOLOGY = {
    "customer_account": "It broke.",
    "restatement": "So what you are saying is it broke.",
    "apology": "We are sorry. Will you accept our apology?",
}


def at(month: int, day: int, hour: int, minute: int = 0):
    """Travel to 2026-month-day hour:minute UTC (the clock stands still)."""
    return time_machine.travel(
        datetime(2026, month, day, hour, minute, tzinfo=UTC), tick=False
    )


@dataclass
class March:
    cases: dict = field(default_factory=dict)
    categories: dict = field(default_factory=dict)


def office_policy() -> SlaPolicy:
    calendar = Calendar.objects.create(name="Office", time_zone="UTC")
    WorkingHours.objects.bulk_create(
        WorkingHours(calendar=calendar, weekday=d, opens=time(9), closes=time(17))
        for d in range(5)
    )
    OfferLimit.objects.create(kind="credit", currency="EUR", max_amount=100)
    return SlaPolicy.objects.create(
        name="Normal",
        priority="normal",
        calendar=calendar,
        first_response_minutes=240,
        resolution_minutes=2400,
    )


def build_march(*, team, other_team, agent, lead, other_agent) -> March:
    """Make cases A–H (see the module docstring) and return them by letter."""
    office_policy()
    data = March()
    for slug in ("delivery", "billing"):
        data.categories[slug] = Category.objects.create(name=slug.title(), slug=slug)
    delivery, billing = data.categories["delivery"], data.categories["billing"]
    packaging = RootCause.objects.create(name="Packaging", slug="packaging")
    c = data.cases

    def file(letter, when, **kwargs):
        kwargs.setdefault("team", team)
        kwargs.setdefault("by", agent)
        with when:
            c[letter] = CaseFactory.file(**kwargs)
        return c[letter]

    def listen(letter, when, by=agent):
        with when:
            case_assign(case=c[letter], assignee=by, by=by)
            c[letter] = lifecycle.transition(c[letter], "listening", by=by)

    def acknowledge(letter, when):
        with when:
            c[letter] = lifecycle.transition(
                c[letter], "acknowledged", by=agent, **APOLOGY
            )

    def resolving(letter, when):
        with when:
            c[letter] = lifecycle.transition(
                c[letter], "resolving", by=agent, desired_outcome="Money back."
            )

    def refund(letter, when, amount):
        with when:
            offer = lifecycle.offer_make(
                case=c[letter], kind="refund", amount=amount, currency="EUR", by=agent
            )
            lifecycle.offer_accept(offer=offer, by=agent)
            lifecycle.offer_fulfil(offer=offer, by=agent)

    def resolve(letter, when, followup_due, done_at, outcome, csat):
        with when:
            c[letter] = lifecycle.transition(
                c[letter], "resolved", by=agent, resolution_summary="Refunded."
            )
            followup = followup_schedule(
                case=c[letter], due_at=followup_due, channel="phone", by=agent
            )
        with done_at:
            followup_complete(followup=followup, outcome=outcome, csat=csat, by=agent)
        c[letter].refresh_from_db()

    # A
    file("A", at(3, 2, 10), category=delivery)
    listen("A", at(3, 2, 10, 30))
    acknowledge("A", at(3, 2, 11))
    resolving("A", at(3, 2, 12))
    refund("A", at(3, 2, 13), "50.00")
    with at(3, 2, 14):
        case_update(case=c["A"], root_cause=packaging, by=agent)
    resolve(
        "A",
        at(3, 3, 10),
        datetime(2026, 3, 4, 10, tzinfo=UTC),
        at(3, 5, 10),
        "unsatisfied",
        2,
    )
    # B
    file("B", at(3, 6, 16), category=delivery)
    listen("B", at(3, 6, 16, 30))
    acknowledge("B", at(3, 9, 12))
    with at(3, 9, 13):
        case_set_awaiting_customer(case=c["B"], awaiting=True, by=agent)
    with at(3, 11, 13):
        case_set_awaiting_customer(case=c["B"], awaiting=False, by=agent)
    resolving("B", at(3, 11, 14))
    with at(3, 11, 15):
        credit = lifecycle.offer_make(
            case=c["B"], kind="credit", amount="150.00", currency="EUR", by=agent
        )
        lifecycle.offer_approve(offer=credit, by=lead)
        lifecycle.offer_decline(offer=credit, by=agent)
    refund("B", at(3, 11, 16), "80.00")
    resolve(
        "B",
        at(3, 12, 10),
        datetime(2026, 3, 13, 10, tzinfo=UTC),
        at(3, 13, 11),
        "satisfied",
        4,
    )
    with at(3, 13, 12):
        c["B"] = lifecycle.transition(
            c["B"], "closed", by=agent, close_reason="satisfied"
        )
    # C
    file("C", at(3, 10, 9), category=delivery)
    with at(3, 10, 14):
        c["C"] = case_escalate(
            case=c["C"],
            level=1,
            reason="first response breached",
            by=Actor.system("test"),
        )
    # D
    file("D", at(2, 25, 10), category=delivery)
    with at(3, 3, 10):
        c["D"] = lifecycle.transition(
            c["D"], "closed", by=agent, close_reason="withdrawn"
        )
    # E and G share a customer
    repeat = CustomerFactory()
    file("E", at(3, 30, 16), category=billing, customer=repeat)
    listen("E", at(3, 30, 16, 30))
    acknowledge("E", at(4, 2, 10))
    # F
    file("F", at(3, 16, 10), category=billing)
    listen("F", at(3, 16, 10, 30))
    with at(3, 16, 11):
        message_post(case=c["F"], body="We are on it.", visibility="customer", by=agent)
    with at(3, 16, 12):
        c["F"] = lifecycle.transition(
            c["F"],
            "resolving",
            by=agent,
            skip_reason="Customer already told us.",
            customer_account="Wrong bill.",
            restatement="So the bill is wrong.",
        )
    with at(3, 17, 10):
        case_set_awaiting_customer(case=c["F"], awaiting=True, by=agent)
    # G
    file("G", at(3, 18, 10), customer=repeat)
    listen("G", at(3, 18, 10, 10))
    acknowledge("G", at(3, 18, 10, 30))
    with at(3, 18, 11):
        lifecycle.offer_make(
            case=c["G"], kind="credit", amount="200.00", currency="EUR", by=agent
        )
    # H, another team
    file("H", at(3, 20, 10), team=other_team, by=other_agent)
    for letter in c:
        c[letter].refresh_from_db()
    return data
